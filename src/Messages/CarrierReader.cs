using System.Buffers;
using MailFilter.Mime;

namespace MailFilter.Messages;

/// <summary>
/// Reads MailFilter's encrypted carrier (docs/pipeline.md "The encrypted carrier", docs/envelope.md §7):
/// recognises the RFC 1847 multipart/encrypted top level with our protocol, checks the control part, and streams
/// the base64 age file of part 2 into a spool (receive steps 1 and 2 of docs/envelope.md §6). Strict: anything
/// off the layout is a <see cref="CarrierStatus.Malformed"/> result for the delivery agent to turn into a fail
/// verdict; it never throws for bad input.
/// </summary>
public static class CarrierReader
{
    private const int ChunkSize = 64 * 1024;

    // Part 1 holds "Version: 1" and a line break; anything much longer is not ours and is not read into memory.
    private const int MaxControlLength = 1024;

    /// <summary>True when the top level claims the carrier: multipart/encrypted with protocol
    /// application/vnd.mailfilter.envelope (RFC 2045 §5.1: type, subtype and this value compare case-insensitively).</summary>
    public static bool IsCarrier(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var type = message.Root.ContentType;
        return type.Is("multipart", "encrypted")
            && string.Equals(type.Parameters["protocol"]?.Trim(), CarrierFormat.Protocol, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Checks the carrier's layout and writes the decoded age file to <paramref name="envelope"/> (from its current
    /// position). A message that is not a carrier gives <see cref="CarrierReadResult.NotCarrier"/> and writes nothing.
    /// </summary>
    /// <param name="maxLength">The largest age file accepted (decoded bytes).</param>
    public static async Task<CarrierReadResult> ReadAsync(MimeMessage message, Stream envelope, long maxLength, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(envelope);
        if (!IsCarrier(message))
        {
            return CarrierReadResult.NotCarrier;
        }

        var error = CheckLayout(message);
        if (error is not null)
        {
            return CarrierReadResult.Malformed(error.Value);
        }

        var data = (MimePart)((Multipart)message.Root)[1];
        using var encoded = data.OpenEncodedStream();
        var decoder = new StrictBase64Decoder();
        var input = ArrayPool<byte>.Shared.Rent(ChunkSize);
        var output = ArrayPool<byte>.Shared.Rent(StrictBase64Decoder.MaxOutput(ChunkSize));
        try
        {
            long total = 0;
            int n;
            while ((n = await encoded.ReadAsync(input.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                int written = decoder.Decode(input.AsSpan(0, n), output);
                if (written < 0)
                {
                    return CarrierReadResult.Malformed(CarrierError.Base64Invalid);
                }

                total += written;
                if (total > maxLength)
                {
                    return CarrierReadResult.Malformed(CarrierError.TooLarge);
                }

                await envelope.WriteAsync(output.AsMemory(0, written), cancellationToken).ConfigureAwait(false);
            }

            if (!decoder.Finish())
            {
                return CarrierReadResult.Malformed(CarrierError.Base64Invalid);
            }

            return total == 0 ? CarrierReadResult.Malformed(CarrierError.Empty) : new CarrierReadResult(CarrierStatus.Carrier, null, total);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    /// <summary>RFC 1847 §2.2 and docs/envelope.md §7: two parts, the control part first, the data second.</summary>
    private static CarrierError? CheckLayout(MimeMessage message)
    {
        if (message.Root is not Multipart root || !root.HasCloseDelimiter || root.Defects.Count > 0)
        {
            return CarrierError.Structure;
        }

        if (root.Count != 2)
        {
            return CarrierError.PartCount;
        }

        if (root[0] is not MimePart control || !control.ContentType.Is("application", "vnd.mailfilter.envelope") || control.Defects.Count > 0)
        {
            return CarrierError.ControlPartType;
        }

        if (control.EncodedLength is < 0 or > MaxControlLength)
        {
            return CarrierError.ControlVersion;
        }

        var version = control.GetDecodedBytes();
        if (!System.Text.Encoding.ASCII.GetString(version).Trim(' ', '\t', '\r', '\n').Equals(CarrierFormat.ControlBody, StringComparison.Ordinal))
        {
            return CarrierError.ControlVersion;
        }

        if (root[1] is not MimePart data || !data.ContentType.Is("application", "octet-stream") || data.Defects.Count > 0)
        {
            return CarrierError.EnvelopePartType;
        }

        return data.ContentTransferEncoding == ContentEncoding.Base64 ? null : CarrierError.TransferEncoding;
    }
}
