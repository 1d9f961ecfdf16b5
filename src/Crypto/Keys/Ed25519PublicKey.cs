using System.Diagnostics.CodeAnalysis;
using MailFilter.Crypto.Interop;

namespace MailFilter.Crypto.Keys;

/// <summary>An Ed25519 public key (RFC 8032), immutable, with its key id.</summary>
public sealed class Ed25519PublicKey : IEquatable<Ed25519PublicKey>
{
    /// <summary>Bytes in a raw public key.</summary>
    public const int Size = 32;

    /// <summary>Bytes in a signature.</summary>
    public const int SignatureSize = 64;

    private readonly byte[] _bytes;

    private Ed25519PublicKey(byte[] bytes)
    {
        _bytes = bytes;
        KeyId = KeyId.Compute(KeyAlgorithm.Ed25519, bytes);
    }

    /// <summary>The key id (alg 0x01).</summary>
    public KeyId KeyId { get; }

    /// <summary>Imports a raw 32-byte public key.</summary>
    public static Ed25519PublicKey Import(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != Size)
        {
            throw new ArgumentException("an Ed25519 public key is 32 bytes", nameof(publicKey));
        }

        return new Ed25519PublicKey(publicKey.ToArray());
    }

    /// <summary>Imports the standard (padded) base64 form, as in a DKIM key record's <c>p=</c>.</summary>
    public static Ed25519PublicKey FromBase64(string base64) => Import(Convert.FromBase64String(base64));

    /// <summary>
    /// Verifies a PureEdDSA signature (libsodium: canonical S, no small-order public key). Returns false
    /// for a wrong signature or a signature of the wrong length; never throws for bad input.
    /// </summary>
    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureSize)
        {
            return false;
        }

        CryptoLibrary.EnsureInitialized();
        return Libsodium.crypto_sign_ed25519_verify_detached(signature, message, (ulong)message.Length, _bytes) == 0;
    }

    public ReadOnlySpan<byte> AsSpan() => _bytes;

    public byte[] ToArray() => (byte[])_bytes.Clone();

    /// <summary>The standard (padded) base64 form.</summary>
    public string ToBase64() => Convert.ToBase64String(_bytes);

    public bool Equals([NotNullWhen(true)] Ed25519PublicKey? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    public override bool Equals(object? obj) => Equals(obj as Ed25519PublicKey);

    public override int GetHashCode() => KeyId.GetHashCode();

    public override string ToString() => "ed25519:" + KeyId;
}
