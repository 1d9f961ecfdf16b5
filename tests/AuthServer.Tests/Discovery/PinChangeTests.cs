using System.Net.Http.Json;
using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Tests.Support;
using MailFilter.Crypto.Keys;

namespace MailFilter.AuthServer.Tests.Discovery;

/// <summary>
/// A pinned key that changes: a rotation announced with the old key's signature moves the pin; a different key
/// without one is recorded (key_pin_changes), not used, and waits for the admin; a forged announcement is refused.
/// </summary>
[Collection(DiscoveryCollection.Name)]
public sealed class PinChangeTests(DiscoveryFixture f)
{
    [Fact]
    public async Task ARotationAnnouncedWithTheOldKeysSignatureMovesThePinAlongTheWholeChain()
    {
        var made = await f.Net.Client.GenerateAsync("rot@example.net");
        var oldSign = made.Created.Single(k => k.Use == KeyUse.Sign);
        var oldEncrypt = await f.Test.Client.GetCurrentKeyAsync("rot@example.net", KeyUse.Encrypt, create: false);

        await f.Net.Client.RotateAsync("rot@example.net");
        var second = await f.Net.Client.RotateAsync("rot@example.net", KeyUse.Sign);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{f.Net.PublicPort}") };
        var published = await http.GetFromJsonAsync($"{AuthdRoutes.Discovery}?address=rot%40example.net", AuthdJson.Default.DiscoveryResponse);
        await Task.Delay(DiscoveryFixture.PastCacheTtl);
        var encrypt = await f.Test.Client.GetCurrentKeyAsync("rot@example.net", KeyUse.Encrypt, create: false);
        var newSignKid = second.Created.Single().Kid;
        var sign = await f.Test.Client.GetKeyAsync(KeyId.Parse(newSignKid), "rot@example.net");
        var old = await f.Test.Client.GetKeyAsync(KeyId.Parse(oldSign.Kid), "rot@example.net");

        Assert.Equal(3, published!.Rotations!.Count);
        Assert.All(published.Rotations, r => Assert.Equal(64, r.Signature.Length));
        Assert.NotEqual(oldEncrypt!.Kid, encrypt!.Kid);
        Assert.Equal(("announcement", oldEncrypt.Kid, true), (encrypt.Pin!.ConfirmedBy, encrypt.Pin.Replaces, encrypt.Pin.Current));
        Assert.True(sign!.Pin!.Current);
        Assert.Equal("announcement", sign.Pin.ConfirmedBy);
        Assert.False(old!.Pin!.Current);
        Assert.NotNull(old.NotAfter); // the old key still verifies what it signed before the rotation
        Assert.Equal("3", await f.ScalarAsync(f.Test,
            "SELECT count(*) FROM key_pin_changes WHERE address = 'rot@example.net' AND state = 'accepted' AND resolved_by = 'announcement'"));
        Assert.Equal("0", await f.ScalarAsync(f.Test, "SELECT count(*) FROM key_pin_changes WHERE address = 'rot@example.net' AND state = 'pending'"));
    }

    [Fact]
    public async Task AnUnannouncedKeyIsRecordedNotUsedAndListedUntilTheAdminAcceptsOrRejectsIt()
    {
        await f.Net.Client.GenerateAsync("un@example.net");
        var pinnedEncrypt = await f.Test.Client.GetCurrentKeyAsync("un@example.net", KeyUse.Encrypt, create: false);
        var (newEncrypt, newSign) = await ImportFreshKeysAsync("un@example.net");
        await Task.Delay(DiscoveryFixture.PastCacheTtl);

        var stillPinned = await f.Test.Client.GetCurrentKeyAsync("un@example.net", KeyUse.Encrypt, create: false);
        var unconfirmed = await Assert.ThrowsAsync<AuthdUnavailableException>(() => f.Test.Client.GetKeyAsync(newSign, "un@example.net"));
        await Task.Delay(DiscoveryFixture.PastCacheTtl);
        await f.Test.Client.GetCurrentKeyAsync("un@example.net", KeyUse.Encrypt, create: false); // seen again: no second record
        var pending = await f.Test.Client.ListPinsAsync("un@example.net", pendingOnly: true);

        Assert.Equal(pinnedEncrypt!.Kid, stillPinned!.Kid);
        Assert.Equal(("pin-unconfirmed", 503), (unconfirmed.ErrorCode, unconfirmed.StatusCode));
        Assert.Equal(new[] { newEncrypt.ToString(), newSign.ToString() }.Order(StringComparer.Ordinal), pending.Changes.Select(c => c.NewKid).Order(StringComparer.Ordinal));
        Assert.All(pending.Keys, k => Assert.Equal("unconfirmed", k.Pin!.State));
        Assert.Contains("without a valid rotation announcement (no rotation announcement from", await f.Test.WaitForLogAsync("without a valid rotation"), StringComparison.Ordinal);

        var accepted = await f.Test.Client.AcceptPinAsync(new PinDecisionRequest { Address = "un@example.net", Use = KeyUse.Encrypt });
        var nowUsed = await f.Test.Client.GetCurrentKeyAsync("un@example.net", KeyUse.Encrypt, create: false);
        var rejected = await f.Test.Client.RejectPinAsync(new PinDecisionRequest { Address = "un@example.net", Kid = newSign.ToString() });
        var refused = await f.Test.Client.GetKeyAsync(newSign, "un@example.net");
        var again = await Assert.ThrowsAsync<AuthdRequestException>(() => f.Test.Client.RejectPinAsync(new PinDecisionRequest { Address = "un@example.net" }));
        await Task.Delay(DiscoveryFixture.PastCacheTtl);
        await f.Test.Client.GetCurrentKeyAsync("un@example.net", KeyUse.Sign, create: false);

        Assert.Equal(newEncrypt.ToString(), nowUsed!.Kid);
        Assert.Equal(("admin", pinnedEncrypt.Kid), (nowUsed.Pin!.ConfirmedBy, nowUsed.Pin.Replaces));
        Assert.Contains(accepted.Changes, c => c.NewKid == newEncrypt.ToString() && c.State == "accepted" && c.ResolvedBy!.StartsWith("uid=0", StringComparison.Ordinal));
        Assert.Contains(rejected.Changes, c => c.NewKid == newSign.ToString() && c.State == "rejected");
        Assert.Null(refused);
        Assert.Equal(("no-change", 404), (again.ErrorCode, again.StatusCode));
        Assert.Equal("0", await f.ScalarAsync(f.Test, "SELECT count(*) FROM key_pin_changes WHERE address = 'un@example.net' AND state = 'pending'"));
        Assert.Equal("pin.accept,pin.reject", await f.ScalarAsync(f.Test, "SELECT string_agg(action, ',' ORDER BY id) FROM audit_log WHERE address = 'un@example.net'"));
    }

    [Fact]
    public async Task AnAnnouncementWithABadSignatureIsRefusedAndTheChangeRecorded()
    {
        await f.Net.Client.GenerateAsync("forge@example.net");
        var pinned = await f.Test.Client.GetCurrentKeyAsync("forge@example.net", KeyUse.Encrypt, create: false);
        var rotated = await f.Net.Client.RotateAsync("forge@example.net", KeyUse.Encrypt);
        // A forged statement: one bit of the signature flipped in example.net's database.
        await f.ScalarAsync(f.Net, "UPDATE key_rotations r SET signature = set_byte(signature, 10, get_byte(signature, 10) # 1) FROM addresses a WHERE a.id = r.address_id AND a.address = 'forge@example.net'");
        await Task.Delay(DiscoveryFixture.PastCacheTtl);

        var current = await f.Test.Client.GetCurrentKeyAsync("forge@example.net", KeyUse.Encrypt, create: false);

        Assert.Equal(pinned!.Kid, current!.Kid);
        Assert.Equal(rotated.Created.Single().Kid, (await f.Test.Client.ListPinsAsync("forge@example.net", pendingOnly: true)).Changes.Single().NewKid);
        Assert.Contains("forge@example.net: http://127.0.0.1:", await f.Test.WaitForLogAsync("signature does not verify"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAnnouncementSignedByAKeyThatIsNotTheAddressesIsRefused()
    {
        using var sign1 = Ed25519PrivateKey.Generate();
        using var encrypt1 = X25519PrivateKey.Generate();
        using var encrypt2 = X25519PrivateKey.Generate();
        using var encrypt3 = X25519PrivateKey.Generate();
        using var attacker = Ed25519PrivateKey.Generate();
        var t0 = DateTimeOffset.UtcNow.AddDays(-1);
        f.Fake.Body = FakeAnswers.Keys("eve@fake.example", (sign1.PublicKey.ToArray(), KeyUse.Sign, t0, null), (encrypt1.PublicKey.ToArray(), KeyUse.Encrypt, t0, null));
        var pinned = await f.Test.Client.GetCurrentKeyAsync("eve@fake.example", KeyUse.Encrypt, create: false);

        // encrypt2 replaces encrypt1, "signed" by sign1's kid with the attacker's key; then encrypt3, signed by the attacker naming itself.
        var now = DateTimeOffset.UtcNow;
        var signature = Keys.RotationStatement.Sign(attacker, "eve@fake.example", KeyUse.Encrypt, encrypt1.KeyId, encrypt2.KeyId, encrypt2.PublicKey.ToArray(), now);
        f.Fake.Body = FakeAnswers.Keys("eve@fake.example", [FakeAnswers.Rotation(KeyUse.Encrypt, encrypt1.KeyId, encrypt2.KeyId, sign1.KeyId, now, signature)],
            (sign1.PublicKey.ToArray(), KeyUse.Sign, t0, null), (encrypt1.PublicKey.ToArray(), KeyUse.Encrypt, t0, now), (encrypt2.PublicKey.ToArray(), KeyUse.Encrypt, now, null));
        await Task.Delay(DiscoveryFixture.PastCacheTtl);
        var afterForgery = await f.Test.Client.GetCurrentKeyAsync("eve@fake.example", KeyUse.Encrypt, create: false);
        var signature3 = Keys.RotationStatement.Sign(attacker, "eve@fake.example", KeyUse.Encrypt, encrypt1.KeyId, encrypt3.KeyId, encrypt3.PublicKey.ToArray(), now);
        f.Fake.Body = FakeAnswers.Keys("eve@fake.example", [FakeAnswers.Rotation(KeyUse.Encrypt, encrypt1.KeyId, encrypt3.KeyId, attacker.KeyId, now, signature3)],
            (sign1.PublicKey.ToArray(), KeyUse.Sign, t0, null), (encrypt1.PublicKey.ToArray(), KeyUse.Encrypt, t0, now), (encrypt3.PublicKey.ToArray(), KeyUse.Encrypt, now, null));
        await Task.Delay(DiscoveryFixture.PastCacheTtl);
        var afterSecond = await f.Test.Client.GetCurrentKeyAsync("eve@fake.example", KeyUse.Encrypt, create: false);

        Assert.Equal(encrypt1.KeyId.ToString(), pinned!.Kid);
        Assert.Equal(encrypt1.KeyId.ToString(), afterForgery!.Kid);
        Assert.Equal(encrypt1.KeyId.ToString(), afterSecond!.Kid);
        Assert.Equal([encrypt2.KeyId.ToString(), encrypt3.KeyId.ToString()], (await f.Test.Client.ListPinsAsync("eve@fake.example", pendingOnly: true)).Changes.Select(c => c.NewKid));
        var log = await f.Test.WaitForLogAsync("not a signing key of the address");
        Assert.Contains("eve@fake.example", log, StringComparison.Ordinal);
        Assert.Contains("rotation announcement's signature does not verify", log, StringComparison.Ordinal);
    }

    /// <summary>Makes new current keys at example.net without an announcement (an import retires the old key silently).</summary>
    private async Task<(KeyId Encrypt, KeyId Sign)> ImportFreshKeysAsync(string address)
    {
        using var encrypt = X25519PrivateKey.Generate();
        using var sign = Ed25519PrivateKey.Generate();
        var identity = new char[X25519PrivateKey.AgeIdentityLength];
        encrypt.ExportAgeIdentity(identity);
        var seed = new byte[32];
        sign.ExportSeed(seed);
        await f.Net.Client.ImportAsync(new ImportRequest { Address = address, Use = KeyUse.Encrypt, PrivateKey = new string(identity) });
        await f.Net.Client.ImportAsync(new ImportRequest { Address = address, Use = KeyUse.Sign, PrivateKey = Convert.ToBase64String(seed) });
        return (encrypt.KeyId, sign.KeyId);
    }
}
