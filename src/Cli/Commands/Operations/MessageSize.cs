using System.Globalization;

namespace MailFilter.Cli.Commands.Operations;

/// <summary>
/// How much an envelope adds to a message (docs/pipeline.md "The encrypted carrier"): the age header and the signed
/// container (a few KiB), a 16-byte tag per 64 KiB chunk, then base64 in 76-column CRLF lines (78 bytes per 57) and
/// the carrier's headers. An encrypted message is about 37 % larger than its plaintext, so a Postfix that accepts
/// S bytes from clients refuses the encrypted copies it must re-inject (Bcc) and the peers with the same limit refuse
/// them too, unless message_size_limit leaves room.
/// </summary>
internal static class MessageSize
{
    /// <summary>What people already send: Postfix's default message_size_limit.</summary>
    public const long ExpectedMessage = 10_240_000;

    /// <summary>What postfix-setup sets when the limit is too small (postfix-conf/main.cf.snippet).</summary>
    public const long Recommended = 104_857_600;

    private const long EnvelopeFixed = 4096;
    private const long CarrierHeaders = 4096;
    private const long ChunkSize = 64 * 1024;
    private const long ChunkTag = 16;

    public static long Encrypted(long plaintext)
    {
        long envelope = plaintext + ChunkTag * ((plaintext + ChunkSize - 1) / ChunkSize) + EnvelopeFixed;
        return (envelope + 56) / 57 * 78 + CarrierHeaders;
    }

    /// <summary>The smallest message_size_limit that carries an encrypted <see cref="ExpectedMessage"/>.</summary>
    public static long Minimum => Encrypted(ExpectedMessage);

    /// <summary>0 is unlimited in Postfix.</summary>
    public static bool TooSmall(long limit) => limit != 0 && limit < Minimum;

    public static string Mb(long bytes) => (bytes / 1_000_000.0).ToString("F1", CultureInfo.InvariantCulture) + " MB";
}
