using System.Security.Cryptography;
using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Keys;
using MailFilter.Crypto.Keys;
using MailFilter.Lab;

namespace MailFilter.AuthServer.Tests;

public sealed class KeySealingTests
{
    private static readonly KeyId s_kid = KeyId.Compute(KeyAlgorithm.X25519, new byte[32]);

    [Fact]
    public void ASealedKeyOpensForItsOwnAddressUseAndKidOnly()
    {
        using var master = MasterKey.FromMaterial(RandomNumberGenerator.GetBytes(32));
        var sealer = new KeySealer(master);
        var secret = RandomNumberGenerator.GetBytes(32);
        var sealedKey = sealer.Seal(KeyUse.Encrypt, s_kid, "alice@example.test", secret);
        var opened = new byte[32];

        Assert.Equal(KeySealer.SealedSize, sealedKey.Length);
        Assert.True(sealer.TryUnseal(KeyUse.Encrypt, s_kid, "alice@example.test", sealedKey, opened));
        Assert.Equal(secret, opened);
        Assert.False(sealer.TryUnseal(KeyUse.Encrypt, s_kid, "mallory@example.test", sealedKey, opened));
        Assert.False(sealer.TryUnseal(KeyUse.Sign, s_kid, "alice@example.test", sealedKey, opened));
        Assert.False(sealer.TryUnseal(KeyUse.Encrypt, KeyId.Compute(KeyAlgorithm.Ed25519, new byte[32]), "alice@example.test", sealedKey, opened));
        Assert.Equal(new byte[32], opened);
    }

    [Fact]
    public void AnotherMasterKeyOrAFlippedBitDoesNotOpen()
    {
        using var master = MasterKey.FromMaterial(RandomNumberGenerator.GetBytes(32));
        using var other = MasterKey.FromMaterial(RandomNumberGenerator.GetBytes(32));
        var sealedKey = new KeySealer(master).Seal(KeyUse.Sign, s_kid, "alice@example.test", RandomNumberGenerator.GetBytes(32));
        var opened = new byte[32];

        Assert.False(new KeySealer(other).TryUnseal(KeyUse.Sign, s_kid, "alice@example.test", sealedKey, opened));
        for (int i = 0; i < sealedKey.Length; i++)
        {
            var copy = (byte[])sealedKey.Clone();
            copy[i] ^= 0x01;
            Assert.False(new KeySealer(master).TryUnseal(KeyUse.Sign, s_kid, "alice@example.test", copy, opened));
        }
    }

    [Fact]
    public void TheCheckValueTellsMasterKeysApartAndHidesTheSealingKey()
    {
        var material = RandomNumberGenerator.GetBytes(32);
        using var a = MasterKey.FromMaterial(material);
        using var b = MasterKey.FromMaterial(material);
        using var c = MasterKey.FromMaterial(RandomNumberGenerator.GetBytes(32));

        Assert.Equal(a.CheckValue, b.CheckValue);
        Assert.NotEqual(a.CheckValue, c.CheckValue);
        Assert.NotEqual(a.CheckValue, a.SealKey.ToArray());
        Assert.NotEqual(material, a.SealKey.ToArray());
        Assert.Equal(16, a.Fingerprint.Length);
    }

    [Fact]
    public void AMasterKeyFileMustBeOneLineOfBase64Of32Bytes()
    {
        var path = TempFiles.Write(Convert.ToBase64String(new byte[31]) + "\n");

        var e = Assert.Throws<MasterKeyException>(() => MasterKey.Load(path));

        Assert.Contains("not one line of base64 of 32 bytes", e.Message, StringComparison.Ordinal);
    }
}
