using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using MailFilter.Crypto.Codecs;

namespace MailFilter.Crypto.Keys;

/// <summary>
/// A key identifier: the first 16 bytes of SHA-256("mailfilter/v1 kid" 0x00 alg pk) (docs/envelope.md §2).
/// Its text form is 22 characters of unpadded standard base64. Ordering is by bytes, as the manifest
/// sorts recipients.
/// </summary>
public readonly struct KeyId : IEquatable<KeyId>, IComparable<KeyId>
{
    /// <summary>Bytes in a key id.</summary>
    public const int Size = 16;

    /// <summary>Characters in the text form.</summary>
    public const int TextLength = 22;

    private static ReadOnlySpan<byte> DomainSeparator => "mailfilter/v1 kid\0"u8;

    // Big-endian halves: comparing them as integers compares the bytes lexicographically.
    private readonly ulong _high;
    private readonly ulong _low;

    private KeyId(ulong high, ulong low)
    {
        _high = high;
        _low = low;
    }

    /// <summary>Computes the key id of a raw public key.</summary>
    public static KeyId Compute(KeyAlgorithm algorithm, ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != 32)
        {
            throw new ArgumentException("a public key is 32 bytes", nameof(publicKey));
        }

        Span<byte> input = stackalloc byte[DomainSeparator.Length + 1 + 32];
        DomainSeparator.CopyTo(input);
        input[DomainSeparator.Length] = (byte)algorithm;
        publicKey.CopyTo(input[(DomainSeparator.Length + 1)..]);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input, digest);
        return FromBytes(digest[..Size]);
    }

    /// <summary>A key id from its 16 raw bytes.</summary>
    public static KeyId FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException("a key id is 16 bytes", nameof(bytes));
        }

        return new KeyId(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
    }

    /// <summary>Parses the 22-character text form; throws <see cref="FormatException"/> if it is not canonical.</summary>
    public static KeyId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var kid) ? kid : throw new FormatException("not a key id (22 characters of canonical unpadded base64)");
    }

    public static bool TryParse(ReadOnlySpan<char> text, out KeyId kid)
    {
        kid = default;
        Span<byte> bytes = stackalloc byte[Size];
        if (text.Length != TextLength || Base64NoPad.TryDecode(text, bytes, out int written) != Base64Status.Ok || written != Size)
        {
            return false;
        }

        kid = FromBytes(bytes);
        return true;
    }

    internal static bool TryParse(ReadOnlySpan<byte> ascii, out KeyId kid, out Base64Status status)
    {
        kid = default;
        Span<byte> bytes = stackalloc byte[Size];
        if (ascii.Length != TextLength)
        {
            status = Base64Status.InvalidLength;
            return false;
        }

        status = Base64NoPad.TryDecode(ascii, bytes, out _);
        if (status != Base64Status.Ok)
        {
            return false;
        }

        kid = FromBytes(bytes);
        return true;
    }

    public static bool operator ==(KeyId left, KeyId right) => left.Equals(right);

    public static bool operator !=(KeyId left, KeyId right) => !left.Equals(right);

    public static bool operator <(KeyId left, KeyId right) => left.CompareTo(right) < 0;

    public static bool operator >(KeyId left, KeyId right) => left.CompareTo(right) > 0;

    public static bool operator <=(KeyId left, KeyId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(KeyId left, KeyId right) => left.CompareTo(right) >= 0;

    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _low);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        CopyTo(bytes);
        return bytes;
    }

    public bool Equals(KeyId other) => _high == other._high && _low == other._low;

    public override bool Equals([NotNullWhen(true)] object? obj) => obj is KeyId other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_high, _low);

    public int CompareTo(KeyId other) => _high != other._high ? _high.CompareTo(other._high) : _low.CompareTo(other._low);

    /// <summary>The 22-character unpadded base64 text form.</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        CopyTo(bytes);
        return Base64NoPad.Encode(bytes);
    }
}
