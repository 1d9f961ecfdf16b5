using System.Buffers;

namespace MailFilter.Filter.Delivery.Lmtp;

/// <summary>
/// Sans-I/O reader of LMTP command lines (RFC 2033 §4, RFC 5321 §4.1.1): takes whatever bytes have arrived and
/// answers need-more (consuming nothing), a line, or too-long. A line longer than the limit is never buffered
/// whole: its bytes are dropped as they come and the line is reported once its end arrives, so the session stays in
/// step with the client.
/// </summary>
public struct LmtpLineReader
{
    private readonly int _maxLength;
    private bool _skipping;

    /// <param name="maxLength">The longest line accepted, line break included (RFC 5321 §4.5.3.1.4: at least 512).</param>
    public LmtpLineReader(int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 512);
        _maxLength = maxLength;
        _skipping = false;
    }

    /// <summary>True while the rest of an over-long line is being dropped.</summary>
    public readonly bool IsSkipping => _skipping;

    /// <summary>
    /// Reads one line ending in LF (a CR before it is removed; RFC 5321 lines end in CRLF, and a lenient LF costs
    /// nothing for commands, unlike for the end of DATA).
    /// </summary>
    public LmtpLineStatus TryRead(ref SequenceReader<byte> reader, out ReadOnlySequence<byte> line)
    {
        line = default;
        if (reader.TryReadTo(out ReadOnlySequence<byte> raw, (byte)'\n', advancePastDelimiter: true))
        {
            if (_skipping)
            {
                _skipping = false;
                return LmtpLineStatus.TooLong;
            }

            if (raw.Length + 1 > _maxLength)
            {
                return LmtpLineStatus.TooLong;
            }

            line = raw.Length > 0 && EndsWithCr(raw) ? raw.Slice(0, raw.Length - 1) : raw;
            return LmtpLineStatus.Line;
        }

        if (_skipping || reader.Remaining >= _maxLength)
        {
            // Too long already and no end in sight: drop what we have, remember to report it at its end.
            _skipping = true;
            reader.AdvanceToEnd();
        }

        return LmtpLineStatus.NeedMore;
    }

    private static bool EndsWithCr(in ReadOnlySequence<byte> raw)
    {
        var last = raw.Slice(raw.Length - 1);
        return last.FirstSpan[0] == (byte)'\r';
    }
}
