using System.Security.Cryptography;
using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Data;
using MailFilter.Crypto.Keys;

namespace MailFilter.AuthServer.Keys;

/// <summary>Between key objects, sealed rows and the wire's <see cref="KeyInfo"/>.</summary>
public static class KeyMaterial
{
    public static string UseName(KeyUse use) => use == KeyUse.Sign ? "sign" : "encrypt";

    public static KeyUse ParseUse(string name) => name == "sign" ? KeyUse.Sign : KeyUse.Encrypt;

    public static string AlgorithmName(KeyUse use) => use == KeyUse.Sign ? "ed25519" : "x25519";

    /// <summary>A fresh key pair of <paramref name="use"/>, sealed for <paramref name="address"/>.</summary>
    public static NewKey Generate(KeySealer sealer, string address, KeyUse use, DateTime notBefore, string origin)
    {
        Span<byte> secret = stackalloc byte[32];
        try
        {
            if (use == KeyUse.Sign)
            {
                using var key = Ed25519PrivateKey.Generate();
                key.ExportSeed(secret);
                return Seal(sealer, address, use, key.KeyId, key.PublicKey.ToArray(), secret, notBefore, origin);
            }
            else
            {
                using var key = X25519PrivateKey.Generate();
                key.Export(secret);
                return Seal(sealer, address, use, key.KeyId, key.PublicKey.ToArray(), secret, notBefore, origin);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    public static NewKey Seal(KeySealer sealer, string address, KeyUse use, KeyId kid, byte[] publicKey, ReadOnlySpan<byte> secret, DateTime notBefore, string origin) =>
        new(UseName(use), AlgorithmName(use), kid.ToArray(), publicKey, sealer.Seal(use, kid, address, secret), notBefore, null, origin);

    /// <summary>Derives the public key of a 32-byte secret and returns its kid: the check that a secret belongs to the public key a row or backup claims.</summary>
    public static (KeyId Kid, byte[] PublicKey) Describe(KeyUse use, ReadOnlySpan<byte> secret)
    {
        if (use == KeyUse.Sign)
        {
            using var key = Ed25519PrivateKey.ImportSeed(secret);
            return (key.KeyId, key.PublicKey.ToArray());
        }
        else
        {
            using var key = X25519PrivateKey.Import(secret);
            return (key.KeyId, key.PublicKey.ToArray());
        }
    }

    /// <summary>Opens a row's private key into <paramref name="secret"/>; throws if the blob does not open (a wrong master key or a tampered row).</summary>
    public static void Unseal(KeySealer sealer, KeyRow row, Span<byte> secret)
    {
        if (!sealer.TryUnseal(ParseUse(row.KeyUse), KeyId.FromBytes(row.Kid), row.Address, row.SealedPrivateKey, secret))
        {
            throw new MasterKeyException($"the private key {KeyId.FromBytes(row.Kid)} of {row.Address} does not open under this master key");
        }
    }

    public static KeyInfo ToInfo(KeyRow row)
    {
        var use = ParseUse(row.KeyUse);
        return new KeyInfo
        {
            Address = row.Address,
            Use = use,
            Algorithm = row.Algorithm,
            Kid = KeyId.FromBytes(row.Kid).ToString(),
            PublicKey = row.PublicKey,
            AgeRecipient = use == KeyUse.Encrypt ? X25519PublicKey.Import(row.PublicKey).ToAgeRecipient() : null,
            NotBefore = Utc(row.NotBefore),
            NotAfter = row.NotAfter is { } na ? Utc(na) : null,
            RevokedAt = row.RevokedAt is { } ra ? Utc(ra) : null,
            RevocationReason = row.RevocationReason,
            Origin = row.Origin,
        };
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
