using System.Security.Cryptography;
using MailFilter.Crypto.Age;
using MailFilter.Crypto.Tests.Support;

namespace MailFilter.Crypto.Tests.Interop;

/// <summary>npm age-encryption (TypeScript, on node) as a second independent age implementation.</summary>
public sealed class AgeEncryptionJsTests : IDisposable
{
    private readonly EnvelopeFixture _f = new();
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        _f.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task AgeEncryptionDecryptsOurEnvelopeAsCarol()
    {
        var root = await ExternalTools.EnsureAgeEncryptionAsync();
        var content = EnvelopeFixture.Message(new string('x', 150_000) + "\r\n");
        var (envelope, sealedEnvelope) = await _f.SealAsync(content, _f.Bob, _f.Carol);
        var output = _dir.File("out");
        (await ExternalTools.RunAsync("node", [Container.Script("age_interop.mjs"), "decrypt", _dir.Write("env.age", envelope), output, _f.Carol.AgeIdentity()], workingDirectory: root))
            .EnsureSuccess("node age-encryption decrypt");
        Assert.Equal(Container.Expected(sealedEnvelope, content), File.ReadAllBytes(output));
    }

    [Fact]
    public async Task OurCodeOpensWhatAgeEncryptionEncrypted()
    {
        var root = await ExternalTools.EnsureAgeEncryptionAsync();
        var plaintext = RandomNumberGenerator.GetBytes(2 * 64 * 1024);
        var output = _dir.File("out.age");
        (await ExternalTools.RunAsync(
            "node",
            [Container.Script("age_interop.mjs"), "encrypt", _dir.Write("plain", plaintext), output,
             _f.Bob.Encryption.PublicKey.ToAgeRecipient(), _f.Carol.Encryption.PublicKey.ToAgeRecipient()],
            workingDirectory: root)).EnsureSuccess("node age-encryption encrypt");

        using var decrypted = new MemoryStream();
        await AgeFile.DecryptAsync(File.OpenRead(output), decrypted, [_f.Bob.Encryption]);
        Assert.Equal(plaintext, decrypted.ToArray());
    }
}
