using System.Security.Cryptography;
using System.Text.Json;
using MailFilter.Crypto.Age;
using MailFilter.Crypto.Tests.Support;

namespace MailFilter.Crypto.Tests.Interop;

/// <summary>
/// Debian's Python with PyNaCl parses the container and verifies its signature from the spec alone
/// (TestData/scripts/verify_container.py); the age layer is removed by Debian's age, so no code of
/// ours is between the envelope and the check.
/// </summary>
public sealed class PythonContainerTests : IDisposable
{
    private readonly EnvelopeFixture _f = new();
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        _f.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task PythonVerifiesTheContainerSignatureAndReadsTheManifest()
    {
        var content = EnvelopeFixture.Message();
        var (envelope, sealedEnvelope) = await _f.SealAsync(content, _f.Bob, _f.Carol);
        var envelopePath = _dir.Write("env.age", envelope);
        var containerPath = await AgeDecryptAsync(envelopePath, _f.Bob);

        var json = await VerifyAsync(envelopePath, containerPath);
        Assert.True(json.GetProperty("valid").GetBoolean());
        Assert.Equal("alice@example.org", json.GetProperty("sender").GetString());
        Assert.Equal("m1@example.org", json.GetProperty("message_id").GetString());
        Assert.Equal(EnvelopeFixture.Created.ToUnixTimeSeconds(), json.GetProperty("created").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(_f.Alice.Signing.KeyId.ToArray()), json.GetProperty("sender_kid").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), json.GetProperty("content_sha256").GetString());
        var recipients = json.GetProperty("recipients").EnumerateArray().Select(r => r[0].GetString()).ToArray();
        Assert.Equal(sealedEnvelope.Manifest.Recipients.Select(r => r.Address), recipients);
    }

    [Fact]
    public async Task PythonRejectsTheSignatureUnderAReWrappedHeader()
    {
        // Surreptitious forwarding: Bob decrypts and re-encrypts the same container to Dave.
        var (envelope, _) = await _f.SealAsync(EnvelopeFixture.Message(), _f.Bob);
        var containerPath = await AgeDecryptAsync(_dir.Write("env.age", envelope), _f.Bob);
        using var rewrapped = new MemoryStream();
        await AgeFile.EncryptAsync(File.OpenRead(containerPath), rewrapped, [_f.Dave.Encryption.PublicKey]);

        var json = await VerifyAsync(_dir.Write("rewrapped.age", rewrapped.ToArray()), containerPath);
        Assert.False(json.GetProperty("valid").GetBoolean());
    }

    private async Task<string> AgeDecryptAsync(string envelopePath, Party recipient)
    {
        var age = await ExternalTools.EnsureAgeAsync();
        var output = _dir.File("container.bin");
        (await ExternalTools.RunAsync(age, ["-d", "-i", _dir.Write("id", recipient.AgeIdentity() + "\n"), "-o", output, envelopePath])).EnsureSuccess("age -d");
        return output;
    }

    private async Task<JsonElement> VerifyAsync(string envelopePath, string containerPath)
    {
        var python = await ExternalTools.EnsurePythonAsync("nacl");
        var result = (await ExternalTools.RunAsync(
            python, [Container.Script("verify_container.py"), envelopePath, containerPath, Convert.ToHexStringLower(_f.Alice.Signing.PublicKey.AsSpan())]))
            .EnsureSuccess("verify_container.py");
        return JsonDocument.Parse(result.Stdout).RootElement.Clone();
    }
}
