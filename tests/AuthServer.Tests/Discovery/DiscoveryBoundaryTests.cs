using System.Net;
using System.Net.Sockets;
using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Tests.Support;
using MailFilter.Crypto.Keys;

namespace MailFilter.AuthServer.Tests.Discovery;

/// <summary>
/// What discovery must not do: fetch onward from the public listener, trust a peer that hangs or answers
/// nonsense, or change anything on bad input.
/// </summary>
[Collection(DiscoveryCollection.Name)]
public sealed class DiscoveryBoundaryTests(DiscoveryFixture f)
{
    [Fact]
    public async Task ThePublicListenerNeverAsksAnotherServer()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{f.Net.PublicPort}") };
        using var key = Ed25519PrivateKey.Generate();

        var byAddress = await http.GetAsync($"{AuthdRoutes.Discovery}?address=x%40probe.example");
        var byKid = await http.GetAsync($"{AuthdRoutes.Discovery}?kid={Uri.EscapeDataString(key.KeyId.ToString())}&address=x%40probe.example");
        var ofThePeer = await http.GetAsync($"{AuthdRoutes.Discovery}?address=alice%40example.test");
        int fromOutside = f.Probe.Connections;
        // The socket API of the same server does use the map entry: the probe is live.
        var viaSocket = await f.Net.Client.GetCurrentKeyAsync("x@probe.example", KeyUse.Encrypt, create: false);

        Assert.Equal(HttpStatusCode.NotFound, byAddress.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, byKid.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, ofThePeer.StatusCode);
        Assert.Equal(0, fromOutside);
        Assert.Null(viaSocket);
        Assert.Equal(1, f.Probe.Connections);
        Assert.Equal("0", await f.ScalarAsync(f.Net, "SELECT count(*) FROM pinned_keys"));
    }

    [Fact]
    public async Task APeerThatHangsMakesTheLookupUnavailableWithinTheTimeout()
    {
        f.Silent.Silent = true;
        var started = DateTime.UtcNow;

        var error = await Assert.ThrowsAsync<AuthdUnavailableException>(() => f.Test.Client.GetCurrentKeyAsync("a@silent.example", KeyUse.Encrypt, create: false));

        Assert.Equal("peer-unavailable", error.ErrorCode);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(4));
        Assert.Contains("no answer within 1 s", await f.Test.WaitForLogAsync("no answer within"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("garbage", "not json at all", "malformed answer")]
    [InlineData("other", "OTHER", "key of another address")]
    [InlineData("kid", "KID", "does not match its kid or use")]
    [InlineData("twice", "TWICE", "two current keys for one use")]
    [InlineData("status", "500", "answered HTTP 500")]
    public async Task APeerAnswerThatIsNotAValidKeyListIsRefusedWholeAndPinsNothing(string local, string body, string reason)
    {
        var address = $"{local}@fake.example";
        using var a = X25519PrivateKey.Generate();
        using var b = X25519PrivateKey.Generate();
        var now = DateTimeOffset.UtcNow;
        f.Fake.Status = body == "500" ? 500 : 200;
        f.Fake.Body = body switch
        {
            "OTHER" => FakeAnswers.Keys("someone@fake.example", (a.PublicKey.ToArray(), KeyUse.Encrypt, now, null)),
            "KID" => FakeAnswers.Serialize(FakeAnswers.Key(address, a.PublicKey.ToArray(), KeyUse.Encrypt, now) with { Kid = b.KeyId.ToString() }),
            "TWICE" => FakeAnswers.Keys(address, (a.PublicKey.ToArray(), KeyUse.Encrypt, now, null), (b.PublicKey.ToArray(), KeyUse.Encrypt, now, null)),
            _ => body,
        };
        try
        {
            var error = await Assert.ThrowsAsync<AuthdUnavailableException>(() => f.Test.Client.GetCurrentKeyAsync(address, KeyUse.Encrypt, create: false));

            Assert.Equal("peer-unavailable", error.ErrorCode);
            Assert.Contains($"{address}: discovery peer {f.Fake.Url} failed:", await f.Test.WaitForLogAsync(address + ": discovery peer"), StringComparison.Ordinal);
            Assert.Contains(reason, f.Test.Log, StringComparison.Ordinal);
            Assert.Equal("0", await f.ScalarAsync(f.Test, $"SELECT count(*) FROM pinned_keys WHERE address = '{address}'"));
        }
        finally
        {
            f.Fake.Status = 200;
        }
    }

    [Fact]
    public async Task BadInputToTheNewCallsGetsAClearErrorAndChangesNothing()
    {
        await f.Net.Client.GenerateAsync("input@example.net");
        await f.Test.Client.GetCurrentKeyAsync("input@example.net", KeyUse.Encrypt, create: false);
        var before = await CountsAsync();
        using var key = Ed25519PrivateKey.Generate();
        using var socket = SocketHttp(f.Test.Socket);
        using var pub = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{f.Net.PublicPort}") };

        var refusals = new List<AuthdRequestException>
        {
            await Assert.ThrowsAsync<AuthdRequestException>(() => f.Test.Client.GetKeyAsync(key.KeyId, "not an address")),
            await Assert.ThrowsAsync<AuthdRequestException>(() => f.Test.Client.ListPinsAsync(address: "nope")),
            await Assert.ThrowsAsync<AuthdRequestException>(() => f.Test.Client.ListPinsAsync(domain: "bad domain")),
            await Assert.ThrowsAsync<AuthdRequestException>(() => f.Test.Client.AcceptPinAsync(new PinDecisionRequest { Address = "nope" })),
            await Assert.ThrowsAsync<AuthdRequestException>(() => f.Test.Client.AcceptPinAsync(new PinDecisionRequest { Address = "input@example.net", Kid = "short" })),
            await Assert.ThrowsAsync<AuthdRequestException>(() => f.Test.Client.RejectPinAsync(new PinDecisionRequest { Address = "" })),
        };
        var noChange = await Assert.ThrowsAsync<AuthdRequestException>(() => f.Test.Client.AcceptPinAsync(new PinDecisionRequest { Address = "input@example.net" }));
        var badKid = await socket.GetAsync($"{AuthdRoutes.Keys}?kid=not-a-kid&address=input%40example.net");
        var badState = await socket.GetAsync($"{AuthdRoutes.AdminPins}?state=maybe");
        var badJson = await socket.PostAsync(AuthdRoutes.AdminPinsAccept, new StringContent("{\"address\": 5", System.Text.Encoding.UTF8, "application/json"));
        var neither = await socket.GetAsync(AuthdRoutes.Keys);
        var publicBad = await pub.GetAsync($"{AuthdRoutes.Discovery}?address=bad");
        var publicTwo = await pub.GetAsync($"{AuthdRoutes.Discovery}?address=a%40example.net&address=b%40example.net");
        var publicNone = await pub.GetAsync(AuthdRoutes.Discovery);

        Assert.All(refusals, e => Assert.Equal(("bad-request", 400), (e.ErrorCode, e.StatusCode)));
        Assert.Contains("not a mailbox address", refusals[0].Message, StringComparison.Ordinal);
        Assert.Contains("not a key id", refusals[4].Message, StringComparison.Ordinal);
        Assert.Equal(("no-change", 404), (noChange.ErrorCode, noChange.StatusCode));
        Assert.Contains("input@example.net has no pending pin change", noChange.Message, StringComparison.Ordinal);
        Assert.All([badKid, badState, badJson, neither, publicBad, publicTwo, publicNone], r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.Contains("state must be pending or all", await badState.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await CountsAsync());
    }

    private async Task<string> CountsAsync() => await f.ScalarAsync(f.Test,
        "SELECT (SELECT count(*) FROM pinned_keys) || ',' || (SELECT count(*) FROM key_pin_changes) || ',' || (SELECT count(*) FROM audit_log) || ',' || (SELECT count(*) FROM keys)");

    /// <summary>Raw HTTP over authd's unix socket, for requests AuthdClient cannot make malformed.</summary>
    private static HttpClient SocketHttp(string path) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, ct) =>
        {
            var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await s.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
            return new NetworkStream(s, ownsSocket: true);
        },
    })
    { BaseAddress = new Uri("http://authd") };
}
