using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;

namespace MailFilter.Conflicts.Tests;

/// <summary>The conflict and blacklist endpoints (docs/conflicts.md §6) and commands (§8) of b.example's real authd: what
/// they do, and that bad input gets a clear error and changes nothing.</summary>
[Collection(ConflictCollection.Name)]
public sealed class ConflictApiTests(ConflictLab lab)
{
    private const string KidA = "AAAAAAAAAAAAAAAAAAAAAA";
    private const string KidB = "BBBBBBBBBBBBBBBBBBBBBA";

    private AuthdClient Authd => lab.Receiver.Authd;

    [Fact]
    public async Task ObservationsOpenABlockedConflictAReleaseUnblocksItAndBothKeysDeliver()
    {
        await lab.ResetAsync();
        var a = await Observe("ann@api.test", KidA, "192.0.2.1");
        var b = await Observe("ann@api.test", KidB, "192.0.2.2");
        var again = await Observe("ann@api.test", KidA, "192.0.2.1");
        var other = await Observe("ann@api.test", KidB, "192.0.2.2", recipient: "carol@b.example");

        Assert.Equal(ObservationDecision.Deliver, a.Action);
        Assert.Equal((ObservationDecision.Tempfail, 1L), (b.Action, b.Conflict));
        Assert.Equal(ObservationDecision.Tempfail, again.Action);
        Assert.Equal(ObservationDecision.Deliver, other.Action); // another recipient is another pair
        var conflict = Assert.Single(await Authd.ListConflictsAsync());
        Assert.Equal("no sending host has earlier sessions with the recipient under this identity", conflict.Reason);

        var released = await Authd.ResolveConflictAsync(new ConflictResolveRequest { Id = 1, Release = true });
        Assert.Equal(("resolved", "released"), (released.State, released.Decision));
        Assert.Equal(ObservationDecision.Deliver, (await Observe("ann@api.test", KidA, "192.0.2.1")).Action);
        Assert.Equal(ObservationDecision.Deliver, (await Observe("ann@api.test", KidB, "192.0.2.2")).Action);
        Assert.Single(await Authd.ListConflictsAsync("all"));
    }

    [Fact]
    public async Task BlacklistAddListRemoveThroughTheCommandsAndABlacklistedHostIsRefused()
    {
        await lab.ResetAsync();
        var add = await lab.CtlAsync("blacklist", "add", "192.0.2.9", "--reason", "spam run", "--for", "2d");
        var addKid = await lab.CtlAsync("blacklist", "add", KidB, "--reason", "stolen key", "--identity", "ann@api.test", "--json");
        var refused = await Observe("ann@api.test", KidA, "192.0.2.9");
        var refusedKid = await Observe("bea@api.test", KidB, "192.0.2.1");
        var list = await lab.CtlAsync("blacklist", "list");
        var remove = await lab.CtlAsync("blacklist", "remove", "192.0.2.9");
        var removeKid = await lab.CtlAsync("blacklist", "remove", "2");
        var all = await lab.CtlAsync("blacklist", "list", "--all", "--json");

        Assert.Equal((0, 0, 0, 0, 0), (add.Code, addKid.Code, list.Code, remove.Code, removeKid.Code));
        Assert.Contains("added blacklist entry 1: host 192.0.2.9 (spam run)", add.Out, StringComparison.Ordinal);
        Assert.Contains("\"kid\": \"" + KidB + "\"", addKid.Out, StringComparison.Ordinal);
        Assert.Equal((ObservationDecision.Refuse, "sending host 192.0.2.9 is blacklisted (spam run)"), (refused.Action, refused.Reason));
        Assert.Equal(ObservationDecision.Refuse, refusedKid.Action);
        Assert.Contains("host     192.0.2.9", list.Out, StringComparison.Ordinal);
        Assert.Contains("removed blacklist entry 1", remove.Out, StringComparison.Ordinal);
        Assert.Equal(2, System.Text.Json.JsonDocument.Parse(all.Out).RootElement.GetProperty("entries").GetArrayLength());
        Assert.Empty(await Authd.ListBlacklistAsync());
        Assert.Equal(ObservationDecision.Deliver, (await Observe("ann@api.test", KidA, "192.0.2.9")).Action);
    }

    public static TheoryData<string, string> BadObservations => new()
    {
        { """{"identity":"not an address","kid":"AAAAAAAAAAAAAAAAAAAAAA","recipient":"bob@b.example"}""", "identity: \"not an address\" is not a mail address" },
        { """{"identity":"ann@api.test","kid":"short","recipient":"bob@b.example"}""", "kid: \"short\" is not a key id" },
        { """{"identity":"ann@api.test","recipient":"bob@b.example"}""", "kid: \"\" is not a key id" },
        { """{"identity":"ann@api.test","kid":"AAAAAAAAAAAAAAAAAAAAAA","recipient":"@@"}""", "recipient: \"@@\" is not a mail address" },
        { """{"identity":"ann@api.test","kid":"AAAAAAAAAAAAAAAAAAAAAA","recipient":"bob@b.example","clientAddress":"300.1.1.1"}""", "clientAddress: \"300.1.1.1\" is not an IP address" },
        { """{"identity":"ann@api.test","kid":"AAAAAAAAAAAAAAAAAAAAAA","recipient":"bob@b.example","clientAddress":"10.0.0.0/8"}""", "clientAddress: \"10.0.0.0/8\" is not an IP address" },
        { """{"identity":"ann@api.test","kid":"AAAAAAAAAAAAAAAAAAAAAA","recipient":"bob@b.example","helo":"two words"}""", "helo: \"two words\" is not 1 to 255 printable ASCII characters" },
        { """{"identity":"ann@api.test","kid":"AAAAAAAAAAAAAAAAAAAAAA","recipient":"bob@b.example","queueId":"ABC-1"}""", "queueId: \"ABC-1\" is not 1 to 32 letters and digits" },
        { """{"identity":"ann@api.test",""", "malformed JSON" },
    };

    [Theory]
    [MemberData(nameof(BadObservations))]
    public async Task ABadObservationIsRefusedWith400AndRecordsNothing(string body, string message)
    {
        long before = await CountAsync();
        var (status, text) = await RawAsync(HttpMethod.Post, ConflictRoutes.Observe, body);
        Assert.Equal((400, true), (status, text.Contains(message, StringComparison.Ordinal)));
        Assert.Equal(before, await CountAsync());
    }

    [Theory]
    [InlineData("/v1/admin/conflicts?state=bogus", "state must be blocked, resolved or all, not \"bogus\"")]
    [InlineData("/v1/admin/conflicts?limit=0", "limit must be a number from 1 to 1000, not \"0\"")]
    [InlineData("/v1/admin/conflicts?state=all&state=blocked", "state is given more than once")]
    [InlineData("/v1/admin/conflicts/show?id=abc", "id: \"abc\" is not a conflict number")]
    [InlineData("/v1/admin/conflicts/show", "id: \"\" is not a conflict number")]
    [InlineData("/v1/admin/blacklist?all=maybe", "all must be true or false, not \"maybe\"")]
    public async Task BadQueriesAreRefusedWith400(string path, string message)
    {
        var (status, text) = await RawAsync(HttpMethod.Get, path, null);
        Assert.Equal(400, status);
        Assert.Contains(message, text, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string, int> BadChanges => new()
    {
        { ConflictRoutes.AdminConflictResolve, """{"release":true}""", "id: give the conflict's number", 400 },
        { ConflictRoutes.AdminConflictResolve, """{"id":1}""", "give exactly one of genuine", 400 },
        { ConflictRoutes.AdminConflictResolve, """{"id":1,"genuine":"192.0.2.1","release":true}""", "give exactly one of genuine", 400 },
        { ConflictRoutes.AdminConflictResolve, """{"id":1,"genuine":"mx.example"}""", "genuine: \"mx.example\" is not an IP address", 400 },
        { ConflictRoutes.AdminConflictResolve, """{"id":1,"genuine":"198.51.100.1"}""", "198.51.100.1 is not a sending host of conflict 1", 400 },
        { ConflictRoutes.AdminConflictResolve, """{"id":99,"release":true}""", "no conflict 99", 404 },
        { ConflictRoutes.AdminBlacklistAdd, """{"reason":"x"}""", "give exactly one of address (a sending host) and kid (a key id)", 400 },
        { ConflictRoutes.AdminBlacklistAdd, """{"address":"192.0.2.5","kid":"AAAAAAAAAAAAAAAAAAAAAA","reason":"x"}""", "give exactly one of address", 400 },
        { ConflictRoutes.AdminBlacklistAdd, """{"address":"host.example","reason":"x"}""", "address: \"host.example\" is not an IP address", 400 },
        { ConflictRoutes.AdminBlacklistAdd, """{"kid":"!!","reason":"x"}""", "kid: \"!!\" is not a key id", 400 },
        { ConflictRoutes.AdminBlacklistAdd, """{"address":"192.0.2.5"}""", "reason: 1 to 500 characters", 400 },
        { ConflictRoutes.AdminBlacklistAdd, """{"address":"192.0.2.5","reason":"a\nb"}""", "reason: 1 to 500 characters", 400 },
        { ConflictRoutes.AdminBlacklistAdd, "{\"address\":\"192.0.2.5\",\"reason\":\"" + new string('r', 501) + "\"}", "reason: 1 to 500 characters", 400 },
        { ConflictRoutes.AdminBlacklistAdd, """{"address":"192.0.2.5","reason":"x","until":"2001-01-01T00:00:00Z"}""", "is not in the future", 400 },
        { ConflictRoutes.AdminBlacklistAdd, """{"kid":"AAAAAAAAAAAAAAAAAAAAAA","reason":"x","identity":"nobody"}""", "identity: \"nobody\" is not a mail address", 400 },
        { ConflictRoutes.AdminBlacklistAdd, """{"address":"192.0.2.7","reason":"again"}""", "host 192.0.2.7 is on the blacklist already", 409 },
        { ConflictRoutes.AdminBlacklistRemove, "{}", "give exactly one of id, address and kid", 400 },
        { ConflictRoutes.AdminBlacklistRemove, """{"id":1,"address":"192.0.2.7"}""", "give exactly one of id, address and kid", 400 },
        { ConflictRoutes.AdminBlacklistRemove, """{"id":0}""", "id: 0 is not an entry number", 400 },
        { ConflictRoutes.AdminBlacklistRemove, """{"address":"192.0.2.99"}""", "host 192.0.2.99 is not on the blacklist", 404 },
        { ConflictRoutes.AdminBlacklistRemove, """{"kid":"nope"}""", "kid: \"nope\" is not a key id", 400 },
        { WhitelistRoutes.Learn, """{"recipient":"fay@b.example","contact":"no address"}""", "contact: \"no address\" is not a mail address", 400 },
        { WhitelistRoutes.Learn, """{"contact":"zed@example.net"}""", "recipient: \"\" is not a mail address", 400 },
    };

    [Theory]
    [MemberData(nameof(BadChanges))]
    public async Task BadChangesAreRefusedAndChangeNothing(string path, string body, string message, int expected)
    {
        await lab.ResetAsync();
        // One blocked conflict (hosts 192.0.2.1 and .2) and one blacklisted host (192.0.2.7) to refuse changes to.
        await Observe("ann@api.test", KidA, "192.0.2.1");
        await Observe("ann@api.test", KidB, "192.0.2.2");
        await Authd.AddBlacklistAsync(new BlacklistAddRequest { Address = "192.0.2.7", Reason = "test" });
        var before = await StateAsync();

        var (status, text) = await RawAsync(HttpMethod.Post, path, body);

        Assert.Equal(expected, status);
        Assert.Contains(message, text, StringComparison.Ordinal);
        Assert.Equal(before, await StateAsync());
    }

    [Fact]
    public async Task ResolvingAResolvedConflictIsRefusedWith409()
    {
        await lab.ResetAsync();
        await Observe("ann@api.test", KidA, "192.0.2.1");
        await Observe("ann@api.test", KidB, "192.0.2.2");
        var first = await lab.CtlAsync("conflicts", "resolve", "1", "--genuine", "192.0.2.1", "--json");
        var before = await StateAsync();
        var second = await lab.CtlAsync("conflicts", "resolve", "1", "--release");

        Assert.Equal((0, 73), (first.Code, second.Code));
        Assert.Contains("\"forgerSources\": [\n    \"192.0.2.2\"\n  ]", first.Out.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("refused /v1/admin/conflicts/resolve: conflict 1 was resolved already (admin, uid=0", second.Err, StringComparison.Ordinal);
        Assert.Equal(before, await StateAsync());
    }

    [Theory]
    [InlineData(64, "ID must be a conflict number (1 or more)", "conflicts", "show", "0")]
    [InlineData(64, "give exactly one of --genuine HOST and --release", "conflicts", "resolve", "1")]
    [InlineData(64, "give exactly one of --genuine HOST and --release", "conflicts", "resolve", "1", "--genuine", "192.0.2.1", "--release")]
    [InlineData(64, "bogus", "conflicts", "list", "--state", "bogus")]
    [InlineData(64, "--limit must be 1 to 1000", "conflicts", "list", "--limit", "0")]
    [InlineData(67, "refused /v1/admin/conflicts/show?id=4242: no conflict 4242", "conflicts", "show", "4242")]
    [InlineData(65, "refused /v1/admin/conflicts/resolve: genuine: \"mx.example\" is not an IP address", "conflicts", "resolve", "1", "--genuine", "mx.example")]
    [InlineData(64, "--reason", "blacklist", "add", "192.0.2.5")]
    [InlineData(64, "--for 0d: not a number of hours or days", "blacklist", "add", "192.0.2.5", "--reason", "x", "--for", "0d")]
    [InlineData(65, "refused /v1/admin/blacklist/add: address: \"999.1.1.1\" is not an IP address", "blacklist", "add", "999.1.1.1", "--reason", "x")]
    [InlineData(73, "refused /v1/admin/blacklist/add: host 192.0.2.7 is on the blacklist already; nothing changed", "blacklist", "add", "192.0.2.7", "--reason", "x")]
    [InlineData(67, "refused /v1/admin/blacklist/remove: entry 77 is not on the blacklist; nothing changed", "blacklist", "remove", "77")]
    [InlineData(65, "refused /v1/admin/blacklist/remove: address: \"bad\" is not an IP address", "blacklist", "remove", "bad")]
    public async Task BadCommandsSayWhatIsWrongAndChangeNothing(int code, string message, params string[] args)
    {
        await lab.ResetAsync();
        await Observe("ann@api.test", KidA, "192.0.2.1");
        await Observe("ann@api.test", KidB, "192.0.2.2");
        await Authd.AddBlacklistAsync(new BlacklistAddRequest { Address = "192.0.2.7", Reason = "test" });
        var before = await StateAsync();

        var run = await lab.CtlAsync(args);

        Assert.True(run.Code == code && run.Err.Contains(message, StringComparison.Ordinal), $"{run.Code}: {run.Err}");
        Assert.Equal(before, await StateAsync());
    }

    private Task<ObservationDecision> Observe(string identity, string kid, string host, string recipient = "bob@b.example") =>
        Authd.ObserveAsync(new ObservationRequest { Identity = identity, Kid = kid, ClientAddress = host, Helo = "mx.api.test", Recipient = recipient });

    /// <summary>Everything the calls could change: the conflicts and the blacklist, as JSON.</summary>
    /// <summary>Conflicts and blacklist as the API lists them, less <c>notifiedAt</c>: the notice mails of an earlier,
    /// accepted request are sent in the background and may be recorded while a refused one is checked.</summary>
    private async Task<string> StateAsync() =>
        System.Text.RegularExpressions.Regex.Replace(
            System.Text.Json.JsonSerializer.Serialize(await Authd.ListConflictsAsync("all"), ConflictJson.Default.IReadOnlyListConflictInfo),
            ",\"notifiedAt\":\"[^\"]*\"", string.Empty)
        + System.Text.Json.JsonSerializer.Serialize(await Authd.ListBlacklistAsync(all: true), ConflictJson.Default.IReadOnlyListBlacklistEntry);

    /// <summary>The observations the bad requests could have written (mail of the other tests may still arrive meanwhile).</summary>
    private async Task<long> CountAsync() =>
        long.Parse((await lab.Receiver.Postgres.PsqlAsync("mailfilter", "SELECT count(*) FROM observations WHERE identity LIKE '%api.test' OR recipient = 'bob@b.example'")).Stdout.Split('\n').Select(l => l.Trim())
            .First(l => l.Length > 0 && l.All(char.IsAsciiDigit)), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A raw request on b.example's authd socket, for what the client would never send.</summary>
    private async Task<(int Status, string Body)> RawAsync(HttpMethod method, string path, string? body)
    {
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(lab.Receiver.AuthdSocket), ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://authd") };
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        // Errors are {"error", "message"}: compare the message as people read it (JSON escapes quotes).
        return ((int)response.StatusCode, (int)response.StatusCode >= 400 ? System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("message").GetString()! : text);
    }
}
