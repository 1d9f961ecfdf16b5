using System.Buffers.Binary;
using System.Diagnostics;
using MailFilter.Crypto.Signing;

namespace MailFilter.Crypto.Envelope;

/// <summary>
/// The MFSM signed container (docs/envelope.md §4) and its to-be-signed transcript (§5). Integers are
/// big-endian.
/// </summary>
internal static class ContainerFormat
{
    public const int PreambleSize = 8;     // magic 4 + version 1 + signature alg 1 + hash alg 1 + flags 1
    public const byte Version = 0x01;
    public const byte SignatureAlgorithmEd25519 = 0x01;
    public const byte HashAlgorithmSha256 = 0x01;
    public const int ManifestLengthSize = 2;
    public const int ContentLengthSize = 8;
    public const int SignatureSize = 64;
    public const int HashSize = 32;

    public static ReadOnlySpan<byte> Magic => "MFSM"u8;

    public static ReadOnlySpan<byte> Preamble => [(byte)'M', (byte)'F', (byte)'S', (byte)'M', Version, SignatureAlgorithmEd25519, HashAlgorithmSha256, 0x00];

    /// <summary>The plaintext that precedes the content: preamble, manifest length, manifest, content length.</summary>
    public static byte[] WriteLead(ReadOnlySpan<byte> manifest, long contentLength)
    {
        Debug.Assert(manifest.Length <= ushort.MaxValue);
        var lead = new byte[PreambleSize + ManifestLengthSize + manifest.Length + ContentLengthSize];
        Preamble.CopyTo(lead);
        BinaryPrimitives.WriteUInt16BigEndian(lead.AsSpan(PreambleSize), (ushort)manifest.Length);
        manifest.CopyTo(lead.AsSpan(PreambleSize + ManifestLengthSize));
        BinaryPrimitives.WriteUInt64BigEndian(lead.AsSpan(PreambleSize + ManifestLengthSize + manifest.Length), (ulong)contentLength);
        return lead;
    }

    /// <summary>
    /// The 141-byte transcript Ed25519 signs (§5): the prefix, the preamble, SHA-256 of the age
    /// header, SHA-256 of the manifest, the content length, SHA-256 of the content.
    /// </summary>
    public static byte[] ToBeSigned(ReadOnlySpan<byte> preamble, ReadOnlySpan<byte> headerHash, ReadOnlySpan<byte> manifestHash, long contentLength, ReadOnlySpan<byte> contentHash)
    {
        var tbs = new byte[SigningInput.EnvelopeLength];
        var span = tbs.AsSpan();
        SigningInput.EnvelopePrefix.CopyTo(span);
        span = span[SigningInput.EnvelopePrefix.Length..];
        preamble.CopyTo(span);
        span = span[PreambleSize..];
        headerHash.CopyTo(span);
        span = span[HashSize..];
        manifestHash.CopyTo(span);
        span = span[HashSize..];
        BinaryPrimitives.WriteUInt64BigEndian(span, (ulong)contentLength);
        span = span[ContentLengthSize..];
        contentHash.CopyTo(span);
        Debug.Assert(span.Length == HashSize);
        return tbs;
    }
}
