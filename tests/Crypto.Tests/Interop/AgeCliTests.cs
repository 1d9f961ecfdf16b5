using System.Security.Cryptography;
using MailFilter.Crypto.Age;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signing;
using MailFilter.Crypto.Tests.Support;

namespace MailFilter.Crypto.Tests.Interop;

/// <summary>Debian's age (Go, 1.1.1) as the independent implementation of the age layer, both ways.</summary>
public sealed class AgeCliTests : IDisposable
{
    private readonly EnvelopeFixture _f = new();
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        _f.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task AgeDecryptsTheAgeLayerOfAnEnvelopeAsEachRecipientDespiteTheKeyHint()
    {
        var age = await ExternalTools.EnsureAgeAsync();
        var content = EnvelopeFixture.Message();
        var (envelope, sealedEnvelope) = await _f.SealAsync(content, _f.Bob, _f.Carol);
        var path = _dir.Write("env.age", envelope);
        Assert.Contains("-> " + KeyHint.StanzaType + " ", System.Text.Encoding.ASCII.GetString(envelope[..600]), StringComparison.Ordinal);
        foreach (var recipient in new[] { _f.Bob, _f.Carol })
        {
            var identity = _dir.Write(recipient.Address + ".key", recipient.AgeIdentity() + "\n");
            var result = (await ExternalTools.RunAsync(age, ["-d", "-i", identity, path])).EnsureSuccess("age -d");
            Assert.Equal(Container.Expected(sealedEnvelope, content), result.Stdout);
        }

        var outsider = _dir.Write("dave.key", _f.Dave.AgeIdentity() + "\n");
        Assert.NotEqual(0, (await ExternalTools.RunAsync(age, ["-d", "-i", outsider, path])).ExitCode);
    }

    [Fact]
    public async Task AgeDecryptsAnEnvelopeFor200RecipientsWithItsLargeHeader()
    {
        var age = await ExternalTools.EnsureAgeAsync();
        var recipients = Enumerable.Range(0, 200).Select(i => Party.Create($"user{i}@example.net")).ToArray();
        try
        {
            var content = EnvelopeFixture.Message();
            var (envelope, sealedEnvelope) = await _f.SealAsync(content, recipients);
            var identity = _dir.Write("k", recipients[137].AgeIdentity() + "\n");
            var result = (await ExternalTools.RunAsync(age, ["-d", "-i", identity, _dir.Write("env.age", envelope)])).EnsureSuccess("age -d");
            Assert.Equal(Container.Expected(sealedEnvelope, content), result.Stdout);
            Assert.True(envelope.AsSpan().IndexOf("\n--- "u8) > 20_000);
        }
        finally
        {
            foreach (var r in recipients)
            {
                r.Dispose();
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2 * 64 * 1024)]
    [InlineData((2 * 64 * 1024) + 1)]
    public async Task OurCodeOpensWhatAgeEncryptedForTwoRecipients(int size)
    {
        var age = await ExternalTools.EnsureAgeAsync();
        var plaintext = RandomNumberGenerator.GetBytes(size);
        var input = _dir.Write("plain", plaintext);
        var output = _dir.File("plain.age");
        (await ExternalTools.RunAsync(age, ["-r", _f.Bob.Encryption.PublicKey.ToAgeRecipient(), "-r", _f.Carol.Encryption.PublicKey.ToAgeRecipient(), "-o", output, input]))
            .EnsureSuccess("age -e");

        using var decrypted = new MemoryStream();
        await AgeFile.DecryptAsync(File.OpenRead(output), decrypted, [_f.Carol.Encryption]);
        Assert.Equal(plaintext, decrypted.ToArray());
    }

    [Fact]
    public async Task AgeDecryptsPlainAgeFilesWeEncrypt()
    {
        var age = await ExternalTools.EnsureAgeAsync();
        var plaintext = RandomNumberGenerator.GetBytes((3 * 64 * 1024) + 17);
        using var encrypted = new MemoryStream();
        await AgeFile.EncryptAsync(new MemoryStream(plaintext), encrypted, [_f.Bob.Encryption.PublicKey, _f.Carol.Encryption.PublicKey]);
        var identity = _dir.Write("k", _f.Bob.AgeIdentity() + "\n");
        var result = (await ExternalTools.RunAsync(age, ["-d", "-i", identity, _dir.Write("f.age", encrypted.ToArray())])).EnsureSuccess("age -d");
        Assert.Equal(plaintext, result.Stdout);
    }

    [Fact]
    public async Task AgeDecryptsTheCommittedVectorToItsContainer()
    {
        var age = await ExternalTools.EnsureAgeAsync();
        var vector = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(ExternalTools.RepositoryRoot, "docs", "vectors", "envelope-v1.json")))!;
        var path = _dir.Write("vector.age", Convert.FromBase64String(vector["envelope_base64"]!.GetValue<string>()));
        foreach (var recipient in vector["recipients"]!.AsArray())
        {
            var identity = _dir.Write("id", recipient!["age_identity"]!.GetValue<string>() + "\n");
            var result = (await ExternalTools.RunAsync(age, ["-d", "-i", identity, path])).EnsureSuccess("age -d");
            Assert.Equal(vector["container_hex"]!.GetValue<string>(), Convert.ToHexStringLower(result.Stdout));
        }
    }

    [Fact]
    public async Task AgeKeygenIdentitiesImportAndExportToTheSameStrings()
    {
        await ExternalTools.EnsureAgeAsync();
        var keyFile = _dir.File("keys.txt");
        (await ExternalTools.RunAsync("/usr/bin/age-keygen", ["-o", keyFile])).EnsureSuccess("age-keygen");
        var lines = File.ReadAllLines(keyFile);
        var identityText = lines.Single(l => l.StartsWith(X25519PrivateKey.AgeIdentityPrefix + "1", StringComparison.Ordinal));
        var recipientText = lines.Single(l => l.StartsWith("# public key: ", StringComparison.Ordinal))["# public key: ".Length..];

        using var identity = X25519PrivateKey.ImportAgeIdentity(identityText);
        Assert.Equal(recipientText, identity.PublicKey.ToAgeRecipient());
        Assert.Equal(identity.PublicKey, X25519PublicKey.ParseAgeRecipient(recipientText));
        var exported = new char[X25519PrivateKey.AgeIdentityLength];
        identity.ExportAgeIdentity(exported);
        Assert.Equal(identityText, new string(exported));
    }

    [Fact]
    public async Task AnEnvelopeSealedThroughARemoteStyleSignerStillDecryptsWithAge()
    {
        // The signer abstraction: a signer that only sees the 141-byte transcript, as authd will.
        var age = await ExternalTools.EnsureAgeAsync();
        var seen = new List<int>();
        var signer = new RecordingSigner(new LocalMessageSigner(_f.Alice.Signing), seen);
        using var output = new MemoryStream();
        var content = EnvelopeFixture.Message();
        var sealedEnvelope = await EnvelopeSealer.SealAsync(new MemoryStream(content), output, _f.Request(_f.Bob), signer);
        Assert.Equal([SigningInput.EnvelopeLength], seen);
        var identity = _dir.Write("k", _f.Bob.AgeIdentity() + "\n");
        var result = (await ExternalTools.RunAsync(age, ["-d", "-i", identity, _dir.Write("env.age", output.ToArray())])).EnsureSuccess("age -d");
        Assert.Equal(Container.Expected(sealedEnvelope, content), result.Stdout);
    }

    private sealed class RecordingSigner(IMessageSigner inner, List<int> lengths) : IMessageSigner
    {
        public Ed25519PublicKey PublicKey => inner.PublicKey;

        public ValueTask<byte[]> SignAsync(SignaturePurpose purpose, ReadOnlyMemory<byte> toBeSigned, CancellationToken cancellationToken)
        {
            lengths.Add(toBeSigned.Length);
            return inner.SignAsync(purpose, toBeSigned, cancellationToken);
        }
    }
}
