using System.Security.Cryptography;
using MailFilter.Crypto.Codecs;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Keys;

namespace MailFilter.Crypto.Age;

/// <summary>
/// The age X25519 recipient type (age v1 spec, "X25519 recipient stanza"):
/// share = X25519(e, basepoint); wrap key = HKDF-SHA-256(X25519(e, pk), salt = share ‖ pk,
/// info "age-encryption.org/v1/X25519"); body = ChaCha20-Poly1305(wrap key, nonce 0, file key).
/// </summary>
public static class AgeX25519
{
    private static ReadOnlySpan<byte> WrapInfo => "age-encryption.org/v1/X25519"u8;

    /// <summary>Wraps <paramref name="fileKey"/> for <paramref name="recipient"/> with a fresh ephemeral key.</summary>
    public static X25519Stanza Wrap(FileKey fileKey, X25519PublicKey recipient)
    {
        ArgumentNullException.ThrowIfNull(fileKey);
        ArgumentNullException.ThrowIfNull(recipient);
        using var ephemeral = X25519PrivateKey.Generate();
        return WrapCore(fileKey, recipient, ephemeral);
    }

    /// <summary>
    /// Tries to unwrap the file key from <paramref name="stanza"/> with <paramref name="identity"/>.
    /// Returns null when the stanza is for another key. An all-zero shared secret is not "another
    /// key" but a malicious share: it throws <see cref="EnvelopeException"/> (ZeroSharedSecret), as age does.
    /// </summary>
    public static FileKey? TryUnwrap(X25519Stanza stanza, X25519PrivateKey identity)
    {
        Span<byte> fileKey = stackalloc byte[FileKey.Size];
        try
        {
            return TryUnwrap(stanza, identity, fileKey) ? FileKey.Import(fileKey) : null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(fileKey);
        }
    }

    /// <summary>
    /// As <see cref="TryUnwrap(X25519Stanza, X25519PrivateKey)"/>, writing the 16-byte file key to
    /// <paramref name="fileKey"/>: for mailfilter-authd, which sends it on at once and need not pay for
    /// guarded memory per request. The caller zeroes the destination.
    /// </summary>
    public static bool TryUnwrap(X25519Stanza stanza, X25519PrivateKey identity, Span<byte> fileKey)
    {
        ArgumentNullException.ThrowIfNull(stanza);
        ArgumentNullException.ThrowIfNull(identity);
        if (fileKey.Length != FileKey.Size)
        {
            throw new ArgumentException("the destination must be 16 bytes", nameof(fileKey));
        }

        Span<byte> shared = stackalloc byte[32];
        Span<byte> wrapKey = stackalloc byte[32];
        try
        {
            if (!identity.TryAgree(stanza.EphemeralShare, shared))
            {
                EnvelopeException.Throw(EnvelopeError.ZeroSharedSecret);
            }

            DeriveWrapKey(shared, stanza.EphemeralShare, identity.PublicKey.AsSpan(), wrapKey);
            using var aead = new ChaCha20Poly1305(wrapKey);
            try
            {
                aead.Decrypt(stackalloc byte[12], stanza.Body[..FileKey.Size], stanza.Body[FileKey.Size..], fileKey);
                return true;
            }
            catch (AuthenticationTagMismatchException)
            {
                return false;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
            CryptographicOperations.ZeroMemory(wrapKey);
        }
    }

    internal static X25519Stanza WrapCore(FileKey fileKey, X25519PublicKey recipient, X25519PrivateKey ephemeral)
    {
        Span<byte> shared = stackalloc byte[32];
        Span<byte> wrapKey = stackalloc byte[32];
        Span<byte> body = stackalloc byte[X25519Stanza.BodySize];
        try
        {
            if (!ephemeral.TryAgree(recipient.AsSpan(), shared))
            {
                throw new ArgumentException("the recipient key is a low-order point", nameof(recipient));
            }

            var share = ephemeral.PublicKey.AsSpan();
            DeriveWrapKey(shared, share, recipient.AsSpan(), wrapKey);
            using var aead = new ChaCha20Poly1305(wrapKey);
            using (var lease = fileKey.Lease())
            {
                aead.Encrypt(stackalloc byte[12], lease.Span, body[..FileKey.Size], body[FileKey.Size..]);
            }

            return new X25519Stanza(share, body);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
            CryptographicOperations.ZeroMemory(wrapKey);
        }
    }

    internal static AgeStanza ToAgeStanza(X25519Stanza stanza) =>
        new(X25519Stanza.Type, [Base64NoPad.Encode(stanza.EphemeralShare)], stanza.Body.ToArray());

    /// <summary>
    /// Decodes a parsed stanza of type X25519: exactly one argument of 43 characters (32 bytes) and a
    /// 32-byte body, canonical base64 (step 4: "a wrong body length is a reject").
    /// </summary>
    internal static X25519Stanza FromAgeStanza(AgeStanza stanza)
    {
        if (stanza.Arguments.Length != 1 || stanza.Body.Length != X25519Stanza.BodySize)
        {
            EnvelopeException.Throw(EnvelopeError.StanzaMalformed, "X25519 stanza shape");
        }

        Span<byte> share = stackalloc byte[X25519Stanza.ShareSize];
        var argument = stanza.Arguments[0];
        if (argument.Length != Base64NoPad.EncodedLength(X25519Stanza.ShareSize))
        {
            EnvelopeException.Throw(EnvelopeError.StanzaMalformed, "X25519 share length");
        }

        var status = Base64NoPad.TryDecode(argument, share, out _);
        if (status == Base64Status.NonCanonical)
        {
            EnvelopeException.Throw(EnvelopeError.NonCanonicalBase64);
        }

        if (status != Base64Status.Ok)
        {
            EnvelopeException.Throw(EnvelopeError.StanzaMalformed, "X25519 share encoding");
        }

        return new X25519Stanza(share, stanza.Body);
    }

    private static void DeriveWrapKey(ReadOnlySpan<byte> shared, ReadOnlySpan<byte> share, ReadOnlySpan<byte> recipient, Span<byte> wrapKey)
    {
        Span<byte> salt = stackalloc byte[64];
        share.CopyTo(salt);
        recipient.CopyTo(salt[32..]);
        HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, wrapKey, salt, WrapInfo);
    }
}
