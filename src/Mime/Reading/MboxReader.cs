namespace MailFilter.Mime;

/// <summary>
/// A sans-I/O mbox splitter (RFC 4155 "mboxo"), reading the way Python's mailbox.mbox does: every line that starts
/// with "From " starts a message, and an empty "\n" line right before it (or before the end of the file) is the
/// separator, not message content. Same calling convention as <see cref="MimeReader"/>: false = need more data,
/// nothing consumed. Never holds more than one "From " line (bounded by <see cref="MaxFromLineLength"/>).
/// </summary>
public sealed class MboxReader
{
    /// <summary>A "From " line longer than this is read as message data.</summary>
    public const int MaxFromLineLength = 64 * 1024;

    private static ReadOnlySpan<byte> From => "From "u8;

    private long _position;
    private bool _inMessage;
    private bool _atLineStart = true;

    public MboxReader(long startOffset = 0)
    {
        _position = startOffset;
    }

    public long Position => _position;

    public bool IsCompleted { get; private set; }

    /// <summary>Number of "From " lines read so far.</summary>
    public int MessageCount { get; private set; }

    public bool TryRead(ReadOnlySpan<byte> buf, bool isFinalBlock, out MboxEvent evt)
    {
        evt = default;
        if (buf.Length == 0)
        {
            IsCompleted = isFinalBlock;
            return false;
        }

        if (_atLineStart)
        {
            if (StartsWithFrom(buf, isFinalBlock, out var needMore))
            {
                var nl = buf[..Math.Min(buf.Length, MaxFromLineLength)].IndexOf((byte)'\n');
                if (nl >= 0 || isFinalBlock || buf.Length >= MaxFromLineLength)
                {
                    var length = nl >= 0 ? nl + 1 : Math.Min(buf.Length, MaxFromLineLength);
                    _inMessage = true;
                    MessageCount++;
                    _atLineStart = nl >= 0;
                    return Emit(MboxEventKind.FromLine, length, out evt);
                }

                return false;
            }

            if (needMore)
            {
                return false;
            }

            if (buf[0] == '\n')
            {
                // An empty line: the separator when a "From " line or the end of the file follows.
                var rest = buf[1..];
                if (rest.Length == 0 && !isFinalBlock)
                {
                    return false;
                }

                var fromFollows = rest.Length == 0 || StartsWithFrom(rest, isFinalBlock, out needMore);
                if (needMore)
                {
                    return false;
                }

                return Emit(fromFollows && _inMessage ? MboxEventKind.Separator : DataKind, 1, out evt);
            }
        }

        // Ordinary text: up to the next line that could matter (one starting with "F" or an empty one).
        var end = NextInterestingLine(buf);
        if (end < 0)
        {
            var lastNl = buf.LastIndexOf((byte)'\n');
            _atLineStart = lastNl == buf.Length - 1;
            return Emit(DataKind, buf.Length, out evt);
        }

        _atLineStart = true;
        return Emit(DataKind, end, out evt);
    }

    private MboxEventKind DataKind => _inMessage ? MboxEventKind.Data : MboxEventKind.Preface;

    /// <summary>Index just after the "\n" that precedes a line starting with 'F' or an empty line; -1 if none.</summary>
    private static int NextInterestingLine(ReadOnlySpan<byte> buf)
    {
        var i = 0;
        while (true)
        {
            var nl = buf[i..].IndexOf((byte)'\n');
            if (nl < 0)
            {
                return -1;
            }

            var next = i + nl + 1;
            if (next >= buf.Length)
            {
                return next;
            }

            if (buf[next] is (byte)'F' or (byte)'\n')
            {
                return next;
            }

            i = next;
        }
    }

    private static bool StartsWithFrom(ReadOnlySpan<byte> buf, bool final, out bool needMore)
    {
        needMore = false;
        if (buf.Length >= From.Length)
        {
            return buf.StartsWith(From);
        }

        needMore = !final && From.StartsWith(buf);
        return false;
    }

    private bool Emit(MboxEventKind kind, int length, out MboxEvent evt)
    {
        evt = new MboxEvent(kind, _position, length);
        _position += length;
        return true;
    }
}
