using System.Security.Cryptography;
using System.Text;
using MailFilter.AuthClient.Protocol;
using MailFilter.Crypto.Keys;

namespace MailFilter.AuthServer.Keys;

/// <summary>
/// Seals private keys at rest (docs/authd-api.md §6): ChaCha20-Poly1305 (RFC 8439) under the master key's
/// sealing key, a random 96-bit nonce per key, and associated data that binds the blob to its address, use
/// and kid, so a sealed key copied to another row does not open there.
/// <code>
/// sealed = 0x01 (version) ‖ nonce (12) ‖ ciphertext (32) ‖ tag (16)       = 61 bytes
/// aad    = "mailfilter/v1 sealed-key" 0x00 ‖ use (1 = sign, 2 = encrypt) ‖ kid (16) ‖ address (UTF-8)
/// </code>
/// </summary>
public sealed class KeySealer(MasterKey masterKey)
{
    /// <summary>Bytes in a sealed key.</summary>
    public const int SealedSize = 1 + NonceSize + SecretSize + TagSize;

    private const byte Version = 0x01;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int SecretSize = 32; // an Ed25519 seed or an X25519 scalar

    private static ReadOnlySpan<byte> AadPrefix => "mailfilter/v1 sealed-key\0"u8;

    private readonly MasterKey _masterKey = masterKey ?? throw new ArgumentNullException(nameof(masterKey));

    public byte[] Seal(KeyUse use, KeyId kid, string address, ReadOnlySpan<byte> secret)
    {
        if (secret.Length != SecretSize)
        {
            throw new ArgumentException("a private key is 32 bytes", nameof(secret));
        }

        var sealedKey = new byte[SealedSize];
        sealedKey[0] = Version;
        var nonce = sealedKey.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aead = new ChaCha20Poly1305(_masterKey.SealKey);
        aead.Encrypt(nonce, secret, sealedKey.AsSpan(1 + NonceSize, SecretSize), sealedKey.AsSpan(1 + NonceSize + SecretSize, TagSize), Aad(use, kid, address));
        return sealedKey;
    }

    /// <summary>Opens a sealed key into <paramref name="secret"/> (32 bytes; the caller zeroes it). False if the blob is not authentic for this master key, address, use and kid.</summary>
    public bool TryUnseal(KeyUse use, KeyId kid, string address, ReadOnlySpan<byte> sealedKey, Span<byte> secret)
    {
        if (sealedKey.Length != SealedSize || sealedKey[0] != Version || secret.Length != SecretSize)
        {
            return false;
        }

        using var aead = new ChaCha20Poly1305(_masterKey.SealKey);
        try
        {
            aead.Decrypt(sealedKey.Slice(1, NonceSize), sealedKey.Slice(1 + NonceSize, SecretSize), sealedKey.Slice(1 + NonceSize + SecretSize, TagSize), secret, Aad(use, kid, address));
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            CryptographicOperations.ZeroMemory(secret);
            return false;
        }
    }

    private static byte[] Aad(KeyUse use, KeyId kid, string address)
    {
        var addressBytes = Encoding.UTF8.GetBytes(address);
        var aad = new byte[AadPrefix.Length + 1 + KeyId.Size + addressBytes.Length];
        AadPrefix.CopyTo(aad);
        aad[AadPrefix.Length] = (byte)use;
        kid.CopyTo(aad.AsSpan(AadPrefix.Length + 1, KeyId.Size));
        addressBytes.CopyTo(aad.AsSpan(AadPrefix.Length + 1 + KeyId.Size));
        return aad;
    }
}
