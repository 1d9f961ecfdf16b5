using System.Buffers.Binary;
using System.Text;
using MailFilter.AuthClient.Protocol;
using MailFilter.Crypto.Keys;

namespace MailFilter.AuthServer.Keys;

/// <summary>
/// The signed statement of a rotation announcement (docs/authd-api.md §7.2):
/// <code>
/// "mailfilter/v1 key-rotation" 0x00 ‖ use (0x01 sign, 0x02 encrypt) ‖ old kid (16) ‖ new kid (16)
/// ‖ new public key (32) ‖ rotated at (i64 big-endian, microseconds since 1970-01-01 UTC) ‖ address (UTF-8, canonical)
/// </code>
/// signed with Ed25519 (RFC 8032, PureEdDSA). The prefix keeps it apart from the two inputs authd signs for
/// mail (docs/envelope.md §5: the 141-byte transcript with its own prefix, the 32-byte header digest), and the
/// address and use bind it to one key line, so no statement can be replayed for another address.
/// </summary>
public static class RotationStatement
{
    private static ReadOnlySpan<byte> Prefix => "mailfilter/v1 key-rotation\0"u8;

    public static byte[] Build(string canonicalAddress, KeyUse use, KeyId oldKid, KeyId newKid, ReadOnlySpan<byte> newPublicKey, DateTimeOffset rotatedAt)
    {
        if (newPublicKey.Length != 32)
        {
            throw new ArgumentException("a public key is 32 bytes", nameof(newPublicKey));
        }

        var address = Encoding.UTF8.GetBytes(canonicalAddress);
        var statement = new byte[Prefix.Length + 1 + KeyId.Size + KeyId.Size + 32 + 8 + address.Length];
        var span = statement.AsSpan();
        Prefix.CopyTo(span);
        span = span[Prefix.Length..];
        span[0] = use == KeyUse.Sign ? (byte)0x01 : (byte)0x02;
        oldKid.CopyTo(span[1..]);
        newKid.CopyTo(span[(1 + KeyId.Size)..]);
        newPublicKey.CopyTo(span[(1 + (2 * KeyId.Size))..]);
        BinaryPrimitives.WriteInt64BigEndian(span[(1 + (2 * KeyId.Size) + 32)..], ToUnixMicroseconds(rotatedAt));
        address.CopyTo(span[(1 + (2 * KeyId.Size) + 32 + 8)..]);
        return statement;
    }

    /// <summary>Signs the statement with the old signing key (inside authd: the private key never leaves).</summary>
    public static byte[] Sign(Ed25519PrivateKey signer, string canonicalAddress, KeyUse use, KeyId oldKid, KeyId newKid, ReadOnlySpan<byte> newPublicKey, DateTimeOffset rotatedAt) =>
        signer.Sign(Build(canonicalAddress, use, oldKid, newKid, newPublicKey, rotatedAt));

    /// <summary>True if <paramref name="signature"/> is <paramref name="signer"/>'s signature over the statement.</summary>
    public static bool Verify(Ed25519PublicKey signer, string canonicalAddress, KeyUse use, KeyId oldKid, KeyId newKid, ReadOnlySpan<byte> newPublicKey,
        DateTimeOffset rotatedAt, ReadOnlySpan<byte> signature) =>
        newPublicKey.Length == 32 && signature.Length == Ed25519PublicKey.SignatureSize
        && signer.Verify(Build(canonicalAddress, use, oldKid, newKid, newPublicKey, rotatedAt), signature);

    /// <summary>PostgreSQL keeps microseconds; the statement uses the same precision so a stored time signs and verifies alike.</summary>
    public static long ToUnixMicroseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
}
