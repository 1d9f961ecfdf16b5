using MailFilter.AuthClient.Protocol;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signing;

namespace MailFilter.AuthClient;

/// <summary>From the wire's <see cref="KeyInfo"/> to the crypto layer's key types, checking that the kid authd sent is the kid of the key it sent.</summary>
public static class KeyInfoConversions
{
    public static Ed25519PublicKey ToEd25519(KeyInfo key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Use != KeyUse.Sign || key.PublicKey.Length != Ed25519PublicKey.Size)
        {
            throw new AuthdUnavailableException("bad-reply", $"mailfilter-authd sent key {key.Kid} as a signing key, which it is not");
        }

        var publicKey = Ed25519PublicKey.Import(key.PublicKey);
        return publicKey.KeyId.ToString() == key.Kid
            ? publicKey
            : throw new AuthdUnavailableException("bad-reply", $"mailfilter-authd sent key {key.Kid} whose public key has another kid");
    }

    public static X25519PublicKey ToX25519(KeyInfo key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Use != KeyUse.Encrypt || key.PublicKey.Length != X25519PublicKey.Size)
        {
            throw new AuthdUnavailableException("bad-reply", $"mailfilter-authd sent key {key.Kid} as an encryption key, which it is not");
        }

        var publicKey = X25519PublicKey.Import(key.PublicKey);
        return publicKey.KeyId.ToString() == key.Kid
            ? publicKey
            : throw new AuthdUnavailableException("bad-reply", $"mailfilter-authd sent key {key.Kid} whose public key has another kid");
    }

    /// <summary>The record envelope opening and header verification check a sender key against (docs/envelope.md §6 step 10).</summary>
    public static SigningKeyRecord ToSigningKeyRecord(KeyInfo key) =>
        new(ToEd25519(key), key.Address, key.NotBefore, key.NotAfter, key.RevokedAt is not null);
}
