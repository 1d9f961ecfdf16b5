using System.Buffers;

namespace MailFilter.Filter.Delivery.Lmtp;

/// <summary>
/// Sans-I/O reader of the DATA content (RFC 5321 §4.1.1.4, §4.5.2): removes the dot-stuffing and finds the end line
/// "." CRLF. Lines end only in CRLF: a bare LF or CR never starts a line, so "\n.\n" cannot end the message early
/// (the "SMTP smuggling" ambiguity). Content is handed to a sink as it is decided; bytes that might still turn out to
/// be the terminator (a CR at the end of the buffer, a "." at a line start) stay unconsumed until more arrive.
/// </summary>
public struct LmtpDataReader
{
    private bool _atLineStart;

    public LmtpDataReader()
    {
        _atLineStart = true;
    }

    /// <summary>Bytes of content handed to the sink so far.</summary>
    public long Length { get; private set; }

    /// <summary>Reads content from <paramref name="reader"/> into <paramref name="sink"/>.</summary>
    public LmtpDataStatus Read(ref SequenceReader<byte> reader, IContentSink sink)
    {
        while (!reader.End)
        {
            if (_atLineStart)
            {
                if (!reader.TryPeek(out byte first))
                {
                    return LmtpDataStatus.NeedMore;
                }

                if (first == (byte)'.')
                {
                    if (reader.Remaining < 3)
                    {
                        return LmtpDataStatus.NeedMore;
                    }

                    if (reader.IsNext(".\r\n"u8, advancePast: true))
                    {
                        return LmtpDataStatus.Complete;
                    }

                    reader.Advance(1); // §4.5.2: the first "." of a line is dropped
                }

                _atLineStart = false;
            }

            if (reader.TryReadTo(out ReadOnlySequence<byte> line, "\r\n"u8, advancePastDelimiter: true))
            {
                Emit(sink, line);
                Emit(sink, "\r\n"u8);
                _atLineStart = true;
                continue;
            }

            // No CRLF in what we have: pass it on, except a final CR that may be the start of one.
            var rest = reader.UnreadSequence;
            long take = rest.Length;
            if (rest.Slice(rest.Length - 1).FirstSpan[0] == (byte)'\r')
            {
                take--;
            }

            Emit(sink, rest.Slice(0, take));
            reader.Advance(take);
            return LmtpDataStatus.NeedMore;
        }

        return LmtpDataStatus.NeedMore;
    }

    private void Emit(IContentSink sink, in ReadOnlySequence<byte> data)
    {
        foreach (var segment in data)
        {
            Emit(sink, segment.Span);
        }
    }

    private void Emit(IContentSink sink, ReadOnlySpan<byte> data)
    {
        if (!data.IsEmpty)
        {
            sink.Append(data);
            Length += data.Length;
        }
    }
}
