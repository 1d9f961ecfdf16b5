using System.Security.Cryptography;
using MailFilter.AuthServer.Endpoints;
using MailFilter.AuthServer.Keys;
using MailFilter.Crypto;
using MailFilter.Crypto.Keys;

namespace MailFilter.AuthServer.Tests;

public sealed class KeyBackupFileTests
{
    // libsodium's minimum cost keeps the unit tests fast; backups use MODERATE.
    private static readonly Argon2idParameters s_cheap = new(1, 8 * 1024);

    [Fact]
    public async Task APassphraseBackupOpensWithThePassphraseOnly()
    {
        var plaintext = RandomNumberGenerator.GetBytes(1000);
        var file = KeyBackupFile.EncryptWithPassphrase(plaintext, "correct horse", s_cheap);

        Assert.Equal(plaintext, await KeyBackupFile.DecryptAsync(file, "correct horse", null, default));
        var e = await Assert.ThrowsAsync<ApiException>(() => KeyBackupFile.DecryptAsync(file, "wrong horse", null, default));
        Assert.Equal("bad-backup", e.Code);
    }

    [Fact]
    public async Task EveryFlippedHeaderBitOfAPassphraseBackupIsRefused()
    {
        var file = KeyBackupFile.EncryptWithPassphrase("{}"u8, "correct horse", s_cheap);
        for (int i = 0; i < 46; i++)
        {
            var copy = (byte[])file.Clone();
            copy[i] ^= 0x01;
            await Assert.ThrowsAsync<ApiException>(() => KeyBackupFile.DecryptAsync(copy, "correct horse", null, default));
        }
    }

    [Fact]
    public async Task AnAgeBackupOpensWithTheIdentityAndAsksForItWhenMissing()
    {
        using var admin = X25519PrivateKey.Generate();
        Span<char> text = stackalloc char[X25519PrivateKey.AgeIdentityLength];
        var identity = new string(text[..admin.ExportAgeIdentity(text)]);
        var file = await KeyBackupFile.EncryptToRecipientsAsync("{\"keys\":[]}"u8.ToArray(), [admin.PublicKey], default);

        Assert.Equal("{\"keys\":[]}"u8.ToArray(), await KeyBackupFile.DecryptAsync(file, null, identity, default));
        var e = await Assert.ThrowsAsync<ApiException>(() => KeyBackupFile.DecryptAsync(file, "a passphrase", null, default));
        Assert.Contains("--identity", e.Message, StringComparison.Ordinal);
    }
}
