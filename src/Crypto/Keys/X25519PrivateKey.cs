using System.Security.Cryptography;
using MailFilter.Crypto.Codecs;
using MailFilter.Crypto.Interop;

namespace MailFilter.Crypto.Keys;

/// <summary>
/// An X25519 decryption key (an age identity). The 32-byte scalar lives in sodium guarded memory and
/// is zeroed on <see cref="Dispose"/>. mailfilter-authd uses it to unwrap file keys; the scalar
/// leaves only through <see cref="Export"/> (sealing at rest) and <see cref="ExportAgeIdentity"/>
/// (the emergency export).
/// </summary>
public sealed class X25519PrivateKey : IDisposable
{
    /// <summary>Bytes in a scalar.</summary>
    public const int Size = 32;

    /// <summary>The Bech32 human-readable part of an age identity.</summary>
    public const string AgeIdentityPrefix = "AGE-SECRET-KEY-";

    /// <summary>Characters in an <c>AGE-SECRET-KEY-1…</c> string.</summary>
    public static readonly int AgeIdentityLength = Bech32.EncodedLength(AgeIdentityPrefix.Length, Size);

    private readonly SecureMemoryHandle _scalar;

    private X25519PrivateKey(SecureMemoryHandle scalar)
    {
        _scalar = scalar;
        var publicKey = new byte[X25519PublicKey.Size];
        if (Libsodium.crypto_scalarmult_curve25519_base(publicKey, scalar) != 0)
        {
            scalar.Dispose();
            throw new CryptographicException("crypto_scalarmult_curve25519_base failed");
        }

        PublicKey = X25519PublicKey.Import(publicKey);
    }

    public X25519PublicKey PublicKey { get; }

    public KeyId KeyId => PublicKey.KeyId;

    /// <summary>Generates a new key: 32 random bytes, as age-keygen does (libsodium clamps on use).</summary>
    public static X25519PrivateKey Generate() => new(SecureMemoryHandle.Random(Size));

    /// <summary>Imports a raw 32-byte scalar. The caller zeroes its copy.</summary>
    public static X25519PrivateKey Import(ReadOnlySpan<byte> scalar)
    {
        if (scalar.Length != Size)
        {
            throw new ArgumentException("an X25519 private key is 32 bytes", nameof(scalar));
        }

        return new X25519PrivateKey(SecureMemoryHandle.Import(scalar));
    }

    /// <summary>Imports an age identity, <c>AGE-SECRET-KEY-1…</c> (Bech32, upper case).</summary>
    public static X25519PrivateKey ImportAgeIdentity(ReadOnlySpan<char> identity)
    {
        Span<byte> scalar = stackalloc byte[Size];
        try
        {
            foreach (char c in identity)
            {
                if (c is >= 'a' and <= 'z')
                {
                    throw new FormatException("not an age identity (AGE-SECRET-KEY-1…, upper case)");
                }
            }

            if (!Bech32.TryDecode(identity, AgeIdentityPrefix, scalar, out int written) || written != Size)
            {
                throw new FormatException("not an age identity (AGE-SECRET-KEY-1…, upper case)");
            }

            return Import(scalar);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scalar);
        }
    }

    /// <summary>Writes the 32-byte scalar, for sealing at rest. The caller must zero the destination after use.</summary>
    public void Export(Span<byte> destination)
    {
        if (destination.Length != Size)
        {
            throw new ArgumentException("the destination must be 32 bytes", nameof(destination));
        }

        _scalar.CopyTo(destination);
    }

    /// <summary>
    /// Writes the age identity (<c>AGE-SECRET-KEY-1…</c>, <see cref="AgeIdentityLength"/> characters) for
    /// the emergency export. It is a secret: the caller writes it where it belongs and clears the buffer.
    /// </summary>
    public int ExportAgeIdentity(Span<char> destination)
    {
        if (destination.Length < AgeIdentityLength)
        {
            throw new ArgumentException($"the destination must hold {AgeIdentityLength} characters", nameof(destination));
        }

        using var lease = _scalar.Lease();
        return Bech32.Encode(AgeIdentityPrefix, lease.Span, destination, upperCase: true);
    }

    public void Dispose() => _scalar.Dispose();

    /// <summary>
    /// X25519(scalar, peer) into <paramref name="sharedSecret"/>; false if the result is all zero
    /// (a low-order peer point, RFC 7748 §6.1), which every caller treats as a reject.
    /// </summary>
    internal bool TryAgree(ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret)
    {
        if (peerPublicKey.Length != X25519PublicKey.Size || sharedSecret.Length != X25519PublicKey.Size)
        {
            throw new ArgumentException("X25519 points are 32 bytes");
        }

        ObjectDisposedException.ThrowIf(_scalar.IsClosed, this);

        // libsodium returns -1 for an all-zero result; check again in constant time so the rule does
        // not depend on the library version.
        int rc = Libsodium.crypto_scalarmult_curve25519(sharedSecret, _scalar, peerPublicKey);
        return rc == 0 && !IsAllZero(sharedSecret);
    }

    private static bool IsAllZero(ReadOnlySpan<byte> value)
    {
        int acc = 0;
        foreach (byte b in value)
        {
            acc |= b;
        }

        return acc == 0;
    }
}
