using System.Diagnostics.CodeAnalysis;
using MailFilter.Crypto.Codecs;

namespace MailFilter.Crypto.Keys;

/// <summary>An X25519 public key (RFC 7748), immutable, with its key id and age recipient form.</summary>
public sealed class X25519PublicKey : IEquatable<X25519PublicKey>
{
    /// <summary>Bytes in a raw public key.</summary>
    public const int Size = 32;

    /// <summary>The Bech32 human-readable part of an age recipient.</summary>
    public const string AgeRecipientPrefix = "age";

    /// <summary>Characters in an <c>age1…</c> recipient string.</summary>
    public static readonly int AgeRecipientLength = Bech32.EncodedLength(AgeRecipientPrefix.Length, Size);

    private readonly byte[] _bytes;

    private X25519PublicKey(byte[] bytes)
    {
        _bytes = bytes;
        KeyId = KeyId.Compute(KeyAlgorithm.X25519, bytes);
    }

    /// <summary>The key id (alg 0x02).</summary>
    public KeyId KeyId { get; }

    /// <summary>Imports a raw 32-byte public key (the u-coordinate).</summary>
    public static X25519PublicKey Import(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != Size)
        {
            throw new ArgumentException("an X25519 public key is 32 bytes", nameof(publicKey));
        }

        return new X25519PublicKey(publicKey.ToArray());
    }

    /// <summary>Parses an age recipient, <c>age1…</c> (Bech32, lower case).</summary>
    public static X25519PublicKey ParseAgeRecipient(string recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        return TryParseAgeRecipient(recipient, out var key) ? key : throw new FormatException("not an age X25519 recipient (age1…)");
    }

    public static bool TryParseAgeRecipient(ReadOnlySpan<char> recipient, [NotNullWhen(true)] out X25519PublicKey? key)
    {
        key = null;
        Span<byte> bytes = stackalloc byte[Size];

        // age writes recipients in lower case only.
        foreach (char c in recipient)
        {
            if (c is >= 'A' and <= 'Z')
            {
                return false;
            }
        }

        if (!Bech32.TryDecode(recipient, AgeRecipientPrefix, bytes, out int written) || written != Size)
        {
            return false;
        }

        key = new X25519PublicKey(bytes.ToArray());
        return true;
    }

    /// <summary>The age recipient string, <c>age1…</c>.</summary>
    public string ToAgeRecipient()
    {
        Span<char> text = stackalloc char[AgeRecipientLength];
        int n = Bech32.Encode(AgeRecipientPrefix, _bytes, text);
        return new string(text[..n]);
    }

    public ReadOnlySpan<byte> AsSpan() => _bytes;

    public byte[] ToArray() => (byte[])_bytes.Clone();

    public bool Equals([NotNullWhen(true)] X25519PublicKey? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    public override bool Equals(object? obj) => Equals(obj as X25519PublicKey);

    public override int GetHashCode() => KeyId.GetHashCode();

    public override string ToString() => "x25519:" + KeyId;
}
