using System.Text;
using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Tests.Support;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signing;
using MailFilter.Lab;

namespace MailFilter.AuthServer.Tests;

/// <summary>mailfilter-authd against a real PostgreSQL (issue 4, must show): first use, rotation, revocation, restart.</summary>
public sealed class KeyLifecycleTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task OneHundredParallelFirstUsesOfOneAddressGiveOneKey()
    {
        var database = await fixture.NewDatabaseAsync();
        await using var a = await AuthdInstance.StartAsync(TestAuthd.Options(fixture.Postgres, database));

        // Half of the first uses ask for the key, half ask for a signature straight away: both create on first use.
        var tbs = new byte[SigningInput.SignatureHeaderLength];
        var tasks = Enumerable.Range(0, 100).Select(async i => i % 2 == 0
            ? (await a.Client.GetCurrentKeyAsync("first@example.test", KeyUse.Sign))!.Kid
            : (await a.Client.SignAsync("first@example.test", null, SignaturePurpose.SignatureHeader, tbs)).Kid).ToList();
        var kids = await Task.WhenAll(tasks);

        Assert.Single(kids.Distinct());
        Assert.Equal("1", (await fixture.Postgres.PsqlAsync(database, "SELECT count(*) FROM keys WHERE key_use = 'sign'")).Stdout.Trim());
        Assert.Equal("1", (await fixture.Postgres.PsqlAsync(database, "SELECT count(*) FROM addresses")).Stdout.Trim());
        Assert.Equal("1", (await fixture.Postgres.PsqlAsync(database, "SELECT count(*) FROM audit_log WHERE action = 'key.create'")).Stdout.Trim());
    }

    [Fact]
    public async Task ParallelFirstUsesThroughTwoAuthdInstancesOnOneDatabaseGiveOneKey()
    {
        var database = await fixture.NewDatabaseAsync();
        await using var a = await AuthdInstance.StartAsync(TestAuthd.Options(fixture.Postgres, database));
        await using var b = await AuthdInstance.StartAsync(TestAuthd.Options(fixture.Postgres, database, sameMasterKeyAs: a));

        var kids = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
            (await (i % 2 == 0 ? a : b).Client.GetCurrentKeyAsync("shared@example.test", KeyUse.Encrypt))!.Kid));

        Assert.Single(kids.Distinct());
        Assert.Equal("1", (await fixture.Postgres.PsqlAsync(database, "SELECT count(*) FROM keys")).Stdout.Trim());
    }

    [Fact]
    public async Task AnAddressOutsideTheLocalDomainsGetsNoKeyOnFirstUse()
    {
        await using var a = await AuthdInstance.StartAsync(TestAuthd.Options(fixture.Postgres, await fixture.NewDatabaseAsync()));

        Assert.Null(await a.Client.GetCurrentKeyAsync("someone@elsewhere.test", KeyUse.Sign));
        var e = await Assert.ThrowsAsync<AuthdRequestException>(() => AuthdMessageSigner.CreateAsync(a.Client, "someone@elsewhere.test"));
        Assert.Equal("no-key", e.ErrorCode);
    }

    [Fact]
    public async Task AnEnvelopeSealedAndOpenedThroughTheSocketApiVerifies()
    {
        await using var a = await AuthdInstance.StartAsync(TestAuthd.Options(fixture.Postgres, await fixture.NewDatabaseAsync()));

        var (envelope, _) = await SealAsync(a.Client, "alice@example.test", "bob@example.test", "hello through authd");
        var content = await OpenAsync(a.Client, envelope, "bob@example.test");

        Assert.Equal("hello through authd", Encoding.ASCII.GetString(content).Split("\r\n\r\n")[1]);
    }

    [Fact]
    public async Task RotationKeepsOldKeysSoOldMailStillOpensAndOldSignaturesVerify()
    {
        await using var a = await AuthdInstance.StartAsync(TestAuthd.Options(fixture.Postgres, await fixture.NewDatabaseAsync()));
        var (before, _) = await SealAsync(a.Client, "alice@example.test", "bob@example.test", "sealed before the rotation");
        var oldEncrypt = (await a.Client.GetCurrentKeyAsync("bob@example.test", KeyUse.Encrypt))!;
        var oldSign = (await a.Client.GetCurrentKeyAsync("alice@example.test", KeyUse.Sign))!;

        var bob = await a.Client.RotateAsync("bob@example.test");
        var alice = await a.Client.RotateAsync("alice@example.test", KeyUse.Sign);

        // Bob had only an encryption key (first use as a recipient): rotation retires it and creates both.
        Assert.Equal(2, bob.Created.Count);
        Assert.Equal(oldEncrypt.Kid, Assert.Single(bob.Retired).Kid);
        Assert.Single(alice.Created);
        var newEncrypt = (await a.Client.GetCurrentKeyAsync("bob@example.test", KeyUse.Encrypt))!;
        Assert.NotEqual(oldEncrypt.Kid, newEncrypt.Kid);
        var retired = (await a.Client.GetKeysAsync("bob@example.test")).Single(k => k.Kid == oldEncrypt.Kid);
        Assert.NotNull(retired.NotAfter);
        Assert.Null(retired.RevokedAt);

        // Mail sealed to the old key opens (the previous key unwraps), and its signature by Alice's old key
        // verifies because it was made inside that key's validity.
        Assert.Contains("sealed before the rotation", Encoding.ASCII.GetString(await OpenAsync(a.Client, before, "bob@example.test")), StringComparison.Ordinal);
        var record = await new AuthdSigningKeyResolver(a.Client).FindSigningKeyAsync(KeyId.Parse(oldSign.Kid), default);
        Assert.NotNull(record!.NotAfter);

        // New mail uses the new keys.
        var (after, sealedAfter) = await SealAsync(a.Client, "alice@example.test", "bob@example.test", "sealed after the rotation");
        Assert.Equal(KeyId.Parse(alice.Created[0].Kid), sealedAfter.Manifest.SenderKid);
        Assert.Contains("sealed after the rotation", Encoding.ASCII.GetString(await OpenAsync(a.Client, after, "bob@example.test")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASignerWhoseKeyWasRotatedMeanwhileIsRefusedWithKeyRotated()
    {
        await using var a = await AuthdInstance.StartAsync(TestAuthd.Options(fixture.Postgres, await fixture.NewDatabaseAsync()));
        var signer = await AuthdMessageSigner.CreateAsync(a.Client, "alice@example.test");
        await a.Client.RotateAsync("alice@example.test", KeyUse.Sign);

        var e = await Assert.ThrowsAsync<AuthdRequestException>(async () => await signer.SignAsync(SignaturePurpose.SignatureHeader, new byte[32], default));

        Assert.Equal("key-rotated", e.ErrorCode);
        Assert.Equal(409, e.StatusCode);
    }

    [Fact]
    public async Task RevocationStopsSigningWithTheKeyAndMakesItFailVerification()
    {
        await using var a = await AuthdInstance.StartAsync(TestAuthd.Options(fixture.Postgres, await fixture.NewDatabaseAsync()));
        var signer = await AuthdMessageSigner.CreateAsync(a.Client, "carol@example.test");
        var kid = signer.PublicKey.KeyId;

        var result = await a.Client.RevokeAsync(new RevokeRequest { Kid = kid.ToString(), Reason = "laptop stolen" });

        Assert.Equal(kid.ToString(), Assert.Single(result.Revoked).Kid);
        var e = await Assert.ThrowsAsync<AuthdRequestException>(async () => await signer.SignAsync(SignaturePurpose.SignatureHeader, new byte[32], default));
        Assert.Equal("key-rotated", e.ErrorCode);
        var record = await new AuthdSigningKeyResolver(a.Client).FindSigningKeyAsync(kid, default);
        Assert.True(record!.Revoked);
        var info = (await a.Client.GetKeysAsync("carol@example.test")).Single(k => k.Kid == kid.ToString());
        Assert.Equal("laptop stolen", info.RevocationReason);

        // The address is local: the next use creates a fresh key, which signs.
        var next = await AuthdMessageSigner.CreateAsync(a.Client, "carol@example.test");
        Assert.NotEqual(kid, next.PublicKey.KeyId);
        var signature = await next.SignAsync(SignaturePurpose.SignatureHeader, new byte[32], default);
        Assert.True(next.PublicKey.Verify(new byte[32], signature));
        Assert.Equal("1", (await fixture.Postgres.PsqlAsync(a.Database, "SELECT count(*) FROM audit_log WHERE action = 'key.revoke'")).Stdout.Trim());
    }

    [Fact]
    public async Task KeysSurviveARestartAndStillSignAndOpen()
    {
        var database = await fixture.NewDatabaseAsync();
        await using var a = await AuthdInstance.StartAsync(TestAuthd.Options(fixture.Postgres, database));
        var (envelope, sealedEnvelope) = await SealAsync(a.Client, "dave@example.test", "erin@example.test", "kept across a restart");
        var before = await a.Client.GetKeysAsync("erin@example.test");

        Assert.Equal(0, await a.StopAsync());
        await a.StartAsync();

        Assert.Equal(before.Select(k => k.Kid), (await a.Client.GetKeysAsync("erin@example.test")).Select(k => k.Kid));
        Assert.Contains("kept across a restart", Encoding.ASCII.GetString(await OpenAsync(a.Client, envelope, "erin@example.test")), StringComparison.Ordinal);
        var signer = await AuthdMessageSigner.CreateAsync(a.Client, "dave@example.test");
        Assert.Equal(sealedEnvelope.Manifest.SenderKid, signer.PublicKey.KeyId);
    }

    [Fact]
    public async Task MailSealedToAKeyAnotherInstanceJustCreatedOpensAtOnce()
    {
        var database = await fixture.NewDatabaseAsync();
        await using var a = await AuthdInstance.StartAsync(TestAuthd.Options(fixture.Postgres, database));
        await using var b = await AuthdInstance.StartAsync(TestAuthd.Options(fixture.Postgres, database, sameMasterKeyAs: a));
        var (first, _) = await SealAsync(a.Client, "alice@example.test", "bob@example.test", "before");
        await OpenAsync(a.Client, first, "bob@example.test"); // a now caches Bob's keys
        await Task.Delay(1100);

        await b.Client.RotateAsync("bob@example.test", KeyUse.Encrypt);
        var (second, _) = await SealAsync(b.Client, "alice@example.test", "bob@example.test", "sealed to the key b made");

        Assert.Contains("sealed to the key b made", Encoding.ASCII.GetString(await OpenAsync(a.Client, second, "bob@example.test")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheLogNamesAddressesAndKidsButNeverFileKeysIdentitiesOrPassphrases()
    {
        await using var a = await AuthdInstance.StartAsync(TestAuthd.Options(fixture.Postgres, await fixture.NewDatabaseAsync()));
        var bob = KeyInfoConversions.ToX25519((await a.Client.GetCurrentKeyAsync("bob@example.test", KeyUse.Encrypt))!);
        using var fileKey = FileKey.Generate();
        var unwrapped = await a.Client.UnwrapAsync("bob@example.test", new UnwrapRequest([Crypto.Age.AgeX25519.Wrap(fileKey, bob)], [bob.KeyId]));
        var identity = (await a.Client.ExportSecretAsync("bob@example.test")).Identities[0].Identity;
        await a.Client.BackupAsync(new BackupRequest { Passphrase = "a passphrase nobody logs" });

        var log = await a.WaitForLogAsync("backup of");

        Assert.Contains(bob.KeyId.ToString(), log, StringComparison.Ordinal);
        Assert.Contains("bob@example.test", log, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(unwrapped.FileKey!), log, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(unwrapped.FileKey!), log, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(identity, log, StringComparison.Ordinal);
        Assert.DoesNotContain("a passphrase nobody logs", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SigningRefusesInputsOfTheWrongShape()
    {
        await using var a = await AuthdInstance.StartAsync(TestAuthd.Options(fixture.Postgres, await fixture.NewDatabaseAsync()));

        var e = await Assert.ThrowsAsync<AuthdRequestException>(() => a.Client.SignAsync("alice@example.test", null, SignaturePurpose.Envelope, new byte[32]));
        var prefixless = new byte[SigningInput.EnvelopeLength];
        var e2 = await Assert.ThrowsAsync<AuthdRequestException>(() => a.Client.SignAsync("alice@example.test", null, SignaturePurpose.Envelope, prefixless));

        Assert.Equal("bad-request", e.ErrorCode);
        Assert.Equal(400, e2.StatusCode);
    }

    [Fact]
    public async Task AnUnwrapForAnAddressWithoutKeysOpensNothing()
    {
        await using var a = await AuthdInstance.StartAsync(TestAuthd.Options(fixture.Postgres, await fixture.NewDatabaseAsync()));
        using var stranger = X25519PrivateKey.Generate();
        using var fileKey = FileKey.Generate();
        var request = new UnwrapRequest([Crypto.Age.AgeX25519.Wrap(fileKey, stranger.PublicKey)], null);

        Assert.Null(await new AuthdFileKeyUnwrapper(a.Client, "nobody@example.test").UnwrapAsync(request, default));
    }

    internal static async Task<(byte[] Envelope, SealedEnvelope Sealed)> SealAsync(AuthdClient client, string sender, string recipient, string body)
    {
        var signer = await AuthdMessageSigner.CreateAsync(client, sender);
        var recipientKey = KeyInfoConversions.ToX25519((await client.GetCurrentKeyAsync(recipient, KeyUse.Encrypt))!);
        var message = Encoding.ASCII.GetBytes($"From: {sender}\r\nTo: {recipient}\r\nSubject: test\r\nMessage-ID: <{Guid.NewGuid():N}@example.test>\r\n\r\n{body}");
        using var content = new MemoryStream(message);
        using var output = new MemoryStream();
        var request = new SealRequest
        {
            Sender = sender,
            MessageId = Guid.NewGuid().ToString("N") + "@example.test",
            Created = DateTimeOffset.UtcNow,
            Recipients = [new EnvelopeRecipient(recipient, recipientKey)],
        };
        var sealedEnvelope = await EnvelopeSealer.SealAsync(content, output, request, signer);
        return (output.ToArray(), sealedEnvelope);
    }

    internal static async Task<byte[]> OpenAsync(AuthdClient client, byte[] envelope, string recipient)
    {
        var opener = new EnvelopeOpener(new AuthdSigningKeyResolver(client), new MemoryReplayGuard());
        using var spool = new MemoryStream();
        await opener.OpenAsync(new MemoryStream(envelope), spool, new OpenRequest
        {
            RecipientAddress = recipient,
            Unwrapper = new AuthdFileKeyUnwrapper(client, recipient),
            FromCheck = (_, _, _) => ValueTask.FromResult(true),
        });
        return spool.ToArray();
    }

}
