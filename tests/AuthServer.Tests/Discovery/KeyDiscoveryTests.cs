using System.Text;
using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Tests.Support;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signature;

namespace MailFilter.AuthServer.Tests.Discovery;

/// <summary>
/// Key discovery between two domains through the socket API (issue 5 item 3): example.test's authd answers
/// example.net's keys as if they were its own, pins them on first use, and serves them while example.net is
/// down only as long as max_stale allows.
/// </summary>
[Collection(DiscoveryCollection.Name)]
public sealed class KeyDiscoveryTests(DiscoveryFixture f)
{
    [Fact]
    public async Task TheCurrentKeyOfARemoteAddressIsFetchedFromItsDomainsServerAndPinned()
    {
        var made = await f.Net.Client.GenerateAsync("bob@example.net");
        var netEncrypt = made.Created.Single(k => k.Use == KeyUse.Encrypt);
        var netSign = made.Created.Single(k => k.Use == KeyUse.Sign);

        var encrypt = await f.Test.Client.GetCurrentKeyAsync("bob@Example.NET", KeyUse.Encrypt, create: false);
        var sign = await f.Test.Client.GetKeyAsync(KeyId.Parse(netSign.Kid), "bob@example.net");
        var all = await f.Test.Client.GetKeysAsync("bob@example.net");
        var withoutAddress = await f.Test.Client.GetKeyAsync(KeyId.Parse(netSign.Kid));

        Assert.Equal(netEncrypt.Kid, encrypt!.Kid);
        Assert.Equal(netEncrypt.PublicKey, KeyInfoConversions.ToX25519(encrypt).ToArray());
        Assert.Equal(netEncrypt.AgeRecipient, encrypt.AgeRecipient);
        Assert.Equal("bob@example.net", encrypt.Address);
        Assert.Equal(("confirmed", "first-use", true), (encrypt.Pin!.State, encrypt.Pin.ConfirmedBy, encrypt.Pin.Current));
        Assert.Equal($"http://127.0.0.1:{f.Net.PublicPort}", encrypt.Pin.Source);
        Assert.Equal(netSign.PublicKey, sign!.PublicKey);
        Assert.Equal(2, all.Count);
        Assert.Null(withoutAddress); // without the address authd cannot know whom to ask
        Assert.Equal("2", await f.ScalarAsync(f.Test, "SELECT count(*) FROM pinned_keys WHERE address = 'bob@example.net' AND state = 'confirmed' AND confirmed_by = 'first-use'"));
        Assert.Equal("0", await f.ScalarAsync(f.Test, "SELECT count(*) FROM key_pin_changes WHERE address = 'bob@example.net'"));
        Assert.Contains("bob@example.net: 1 keys pinned on first use", await f.Test.WaitForLogAsync("pinned on first use"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASignatureHeaderMadeAtTheOtherDomainVerifiesThroughTheUsualResolver()
    {
        await f.Net.Client.GenerateAsync("sig@example.net");
        var signer = await AuthdMessageSigner.CreateAsync(f.Net.Client, "sig@example.net");
        HeaderField[] headers =
        [
            HeaderField.FromString("From", " sig@example.net"), HeaderField.FromString("To", " alice@example.test"),
            HeaderField.FromString("Subject", " across domains"), HeaderField.FromString("Date", " Mon, 2 Mar 2026 10:00:00 +0000"),
            HeaderField.FromString("Message-ID", " <x1@example.net>"),
        ];
        var body = Encoding.ASCII.GetBytes("hello from example.net\r\n");
        var request = new SignatureHeaderRequest
        {
            Sender = "sig@example.net", MailFrom = "sig@example.net", Recipients = ["alice@example.test"], Timestamp = DateTimeOffset.UtcNow,
        };
        var field = await SignatureHeaderSigner.SignAsync(headers, new MemoryStream(body), request, signer);

        // What the delivery agent at example.test does: the verifier passes i= and s= to the resolver, authd discovers.
        var verifier = new SignatureHeaderVerifier(new AuthdSigningKeyResolver(f.Test.Client));
        var result = await verifier.VerifyAsync([field, .. headers], new MemoryStream(body), new DeliveryEnvelope("sig@example.net", "alice@example.test"));

        Assert.Equal(SignatureHeaderStatus.Pass, result.Status);
        Assert.Equal("sig@example.net", result.Signer);
    }

    [Fact]
    public async Task APeerThatIsDownIsServedFromThePinsUntilMaxStaleThenLookupsAreUnavailable()
    {
        await f.Down.Client.GenerateAsync("dora@down.example");
        var first = await f.Test.Client.GetCurrentKeyAsync("dora@down.example", KeyUse.Encrypt, create: false);
        var fetched = DateTime.UtcNow;
        await f.Down.StopAsync();

        var fresh = await f.Test.Client.GetCurrentKeyAsync("dora@down.example", KeyUse.Encrypt, create: false);
        await Task.Delay(DiscoveryFixture.PastCacheTtl);
        var stale = await f.Test.Client.GetCurrentKeyAsync("dora@down.example", KeyUse.Encrypt, create: false);
        await Task.Delay(fetched + TimeSpan.FromSeconds(4.3) - DateTime.UtcNow);
        var gone = await Assert.ThrowsAsync<AuthdUnavailableException>(() => f.Test.Client.GetCurrentKeyAsync("dora@down.example", KeyUse.Encrypt, create: false));
        var never = await Assert.ThrowsAsync<AuthdUnavailableException>(() => f.Test.Client.GetCurrentKeyAsync("new@down.example", KeyUse.Encrypt, create: false));

        Assert.Equal(first!.Kid, fresh!.Kid);
        Assert.Equal(first.Kid, stale!.Kid);
        Assert.Equal(("peer-unavailable", 503), (gone.ErrorCode, gone.StatusCode));
        Assert.Contains("no usable answer from the discovery peer", gone.Message, StringComparison.Ordinal);
        Assert.Equal("peer-unavailable", never.ErrorCode);
        var log = await f.Test.WaitForLogAsync("serving the pinned keys fetched");
        Assert.Contains("dora@down.example: serving the pinned keys fetched", log, StringComparison.Ordinal);
        Assert.Contains("dora@down.example: discovery peer http://127.0.0.1:", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAddressWithoutKeysOrOfADomainWithoutPeerHasNoKeyAndNothingIsPinned()
    {
        var none = await f.Test.Client.GetCurrentKeyAsync("nokeys@example.net", KeyUse.Encrypt, create: true);
        var unknownDomain = await f.Test.Client.GetCurrentKeyAsync("x@nowhere.example", KeyUse.Encrypt, create: true);
        var error = await Assert.ThrowsAsync<AuthdRequestException>(() => f.Test.Client.SignAsync("x@nowhere.example", null,
            Crypto.Signing.SignaturePurpose.SignatureHeader, new byte[32]));

        Assert.Null(none);
        Assert.Null(unknownDomain);
        Assert.Equal("no-key", error.ErrorCode);
        Assert.Equal("0", await f.ScalarAsync(f.Test, "SELECT count(*) FROM pinned_keys WHERE address IN ('nokeys@example.net', 'x@nowhere.example')"));
        Assert.Equal("0", await f.ScalarAsync(f.Net, "SELECT count(*) FROM keys k JOIN addresses a ON a.id = k.address_id WHERE a.address = 'nokeys@example.net'"));
        Assert.Equal("f", await f.ScalarAsync(f.Test, "SELECT found FROM discovery_state WHERE address = 'nokeys@example.net'"));
    }
}
