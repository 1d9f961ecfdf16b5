using System.Diagnostics;
using MailFilter.Crypto.Interop;

namespace MailFilter.Crypto.Keys;

/// <summary>
/// An Ed25519 signing key. The 64-byte libsodium secret key (seed ‖ public key) lives in sodium
/// guarded memory and is zeroed on <see cref="Dispose"/>. Signing is the only thing mailfilter-authd
/// does with it; <see cref="ExportSeed"/> exists so the server can seal the seed at rest.
/// </summary>
public sealed class Ed25519PrivateKey : IDisposable
{
    /// <summary>Bytes in a seed (the RFC 8032 private key).</summary>
    public const int SeedSize = 32;

    private readonly SecureMemoryHandle _secretKey;

    private Ed25519PrivateKey(SecureMemoryHandle secretKey, byte[] publicKey)
    {
        _secretKey = secretKey;
        PublicKey = Ed25519PublicKey.Import(publicKey);
    }

    public Ed25519PublicKey PublicKey { get; }

    public KeyId KeyId => PublicKey.KeyId;

    /// <summary>Generates a new key from the operating system's random source (through libsodium).</summary>
    public static Ed25519PrivateKey Generate()
    {
        var secretKey = SecureMemoryHandle.Allocate(Libsodium.crypto_sign_ed25519_SECRETKEYBYTES);
        var publicKey = new byte[Ed25519PublicKey.Size];
        if (Libsodium.crypto_sign_ed25519_keypair(publicKey, secretKey) != 0)
        {
            secretKey.Dispose();
            throw new InvalidOperationException("crypto_sign_ed25519_keypair failed");
        }

        return new Ed25519PrivateKey(secretKey, publicKey);
    }

    /// <summary>Imports a 32-byte seed (RFC 8032's private key). The caller zeroes its copy.</summary>
    public static Ed25519PrivateKey ImportSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize)
        {
            throw new ArgumentException("an Ed25519 seed is 32 bytes", nameof(seed));
        }

        using var seedMemory = SecureMemoryHandle.Import(seed);
        var secretKey = SecureMemoryHandle.Allocate(Libsodium.crypto_sign_ed25519_SECRETKEYBYTES);
        var publicKey = new byte[Ed25519PublicKey.Size];
        if (Libsodium.crypto_sign_ed25519_seed_keypair(publicKey, secretKey, seedMemory) != 0)
        {
            secretKey.Dispose();
            throw new InvalidOperationException("crypto_sign_ed25519_seed_keypair failed");
        }

        return new Ed25519PrivateKey(secretKey, publicKey);
    }

    /// <summary>Writes the 32-byte seed, for sealing at rest. The caller must zero the destination after use.</summary>
    public void ExportSeed(Span<byte> destination)
    {
        if (destination.Length != SeedSize)
        {
            throw new ArgumentException("the destination must be 32 bytes", nameof(destination));
        }

        // libsodium's secret key is seed ‖ public key.
        using var lease = _secretKey.Lease();
        lease.Span[..SeedSize].CopyTo(destination);
    }

    /// <summary>Signs <paramref name="message"/> (PureEdDSA) into a 64-byte <paramref name="signature"/>.</summary>
    public void Sign(ReadOnlySpan<byte> message, Span<byte> signature)
    {
        if (signature.Length != Ed25519PublicKey.SignatureSize)
        {
            throw new ArgumentException("an Ed25519 signature is 64 bytes", nameof(signature));
        }

        SignCore(message, signature);
    }

    /// <summary>Signs <paramref name="message"/> (PureEdDSA) and returns the 64-byte signature.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        var signature = new byte[Ed25519PublicKey.SignatureSize];
        SignCore(message, signature);
        return signature;
    }

    public void Dispose() => _secretKey.Dispose();

    private void SignCore(ReadOnlySpan<byte> message, Span<byte> signature)
    {
        Debug.Assert(signature.Length == Ed25519PublicKey.SignatureSize);
        ObjectDisposedException.ThrowIf(_secretKey.IsClosed, this);
        int rc = Libsodium.crypto_sign_ed25519_detached(signature, out ulong length, message, (ulong)message.Length, _secretKey);
        Debug.Assert(rc == 0 && length == Ed25519PublicKey.SignatureSize);
    }
}
