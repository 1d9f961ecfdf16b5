namespace MailFilter.Mime;

/// <summary>
/// Builds the entity tree from <see cref="MimeReader"/> events. Keeps header fields (bounded by the reader's
/// limits) and offsets; content stays in the source. The stack index of a frame is its depth.
/// </summary>
internal sealed class MimeTreeBuilder
{
    private readonly MimeSource _source;
    private readonly List<Pending> _stack = [];

    public MimeTreeBuilder(MimeSource source)
    {
        _source = source;
    }

    public MimeEntity? Root { get; private set; }

    public void Accept(in MimeEvent evt, ReadOnlySpan<byte> bytes)
    {
        switch (evt.Kind)
        {
            case MimeEventKind.EntityStart:
                _stack.Add(new Pending(evt.Offset));
                break;
            case MimeEventKind.EnvelopeLine:
                _stack[evt.Depth].Envelope = bytes.ToArray();
                break;
            case MimeEventKind.Header:
                _stack[evt.Depth].Headers.AddParsed(new Header(bytes.ToArray(), bytes.IndexOf((byte)':')));
                break;
            case MimeEventKind.InvalidHeaderLine:
                _stack[evt.Depth].Headers.AddParsed(new Header(bytes.ToArray(), -1));
                break;
            case MimeEventKind.HeadersEnd:
                var top = _stack[evt.Depth];
                top.Separator = bytes.Length == 0 ? [] : bytes.ToArray();
                top.BodyOffset = evt.Offset + evt.Length;
                top.Kind = evt.BodyKind;
                break;
            case MimeEventKind.Boundary:
                var m = _stack[evt.Depth];
                if (m.PendingDelimiter < 0)
                {
                    m.PendingDelimiter = evt.Offset;
                }

                if (m.PreambleEnd < 0)
                {
                    m.PreambleEnd = evt.Offset;
                }

                m.PendingDelimiterEnd = evt.Offset + evt.Length;
                break;
            case MimeEventKind.CloseBoundary:
                var c = _stack[evt.Depth];
                c.TrailerStart = c.PendingDelimiter >= 0 ? c.PendingDelimiter : evt.Offset;
                c.HasClose = true;
                c.EpilogueStart = evt.Offset + evt.Length;
                if (c.PreambleEnd < 0)
                {
                    c.PreambleEnd = evt.Offset;
                    c.CloseLineBreak = bytes.StartsWith("\r\n"u8) ? 2 : bytes.StartsWith("\n"u8) ? 1 : 0;
                }

                break;
            case MimeEventKind.MissingBoundary:
                var o = _stack[evt.Depth];
                if (o.TrailerStart < 0)
                {
                    o.TrailerStart = evt.Offset;
                }

                break;
            case MimeEventKind.Defect:
                (_stack[evt.Depth].Defects ??= []).Add(new MimeDefect(evt.Defect, evt.Offset));
                break;
            case MimeEventKind.EntityEnd:
                End(evt.Offset);
                break;
        }
    }

    private void End(long end)
    {
        var p = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        var entity = Build(p, end);
        if (p.Defects is not null)
        {
            foreach (var d in p.Defects)
            {
                entity.AddDefect(d);
            }
        }

        if (_stack.Count == 0)
        {
            Root = entity;
            return;
        }

        var parent = _stack[^1];
        if (parent.Kind == MimeBodyKind.Message)
        {
            parent.Inner = entity;
        }
        else
        {
            parent.Children.Add((entity, parent.PendingDelimiter, parent.PendingDelimiterEnd));
            parent.PendingDelimiter = -1;
        }
    }

    private MimeEntity Build(Pending p, long end)
    {
        if (p.BodyOffset < 0)
        {
            p.BodyOffset = end;
        }

        var layout = new EntityLayout(_source, p.Offset, p.BodyOffset, end, p.Separator) { EnvelopeLine = p.Envelope };
        switch (p.Kind)
        {
            case MimeBodyKind.Message when p.Inner is not null:
                return new MessagePart(p.Headers, layout, p.Inner);

            case MimeBodyKind.Multipart when p.Children.Count > 0:
                var keepTrailer = p.HasClose || p.PendingDelimiter >= 0 || p.Defects?.Exists(d => d.Kind == MimeDefectKind.PartLimitExceeded) == true;
                var trailerStart = p.PendingDelimiter >= 0 ? p.PendingDelimiter : p.TrailerStart >= 0 ? p.TrailerStart : end;
                var multipart = new Multipart(p.Headers, layout, p.PreambleEnd, trailerStart, p.HasClose, BoundaryOf(p.Headers))
                {
                    KeepRawTrailer = keepTrailer,
                    EpilogueStart = p.HasClose ? p.EpilogueStart : end,
                };
                foreach (var (child, delimiterStart, delimiterEnd) in p.Children)
                {
                    multipart.AddParsed(child, delimiterStart, delimiterEnd);
                }

                return multipart;

            case MimeBodyKind.Multipart:
                // No body part: the body is one opaque leaf (Python's feedparser reads it the same way). With a close
                // delimiter, the content is what came before it, line break included.
                var contentEnd = p.HasClose ? p.PreambleEnd + p.CloseLineBreak : end;
                return new MimePart(p.Headers, layout, p.BodyOffset, contentEnd);

            default:
                return new MimePart(p.Headers, layout, p.BodyOffset, end);
        }
    }

    private static string? BoundaryOf(HeaderList headers)
    {
        var h = headers.Find("Content-Type");
        if (h is null)
        {
            return null;
        }

        var p = ContentType.ParseLenient(h.Latin1Value).Parameters.Find("boundary");
        return (p?.Latin1Value ?? p?.Value)?.TrimEnd();
    }

    private sealed class Pending(long offset)
    {
        public long Offset { get; } = offset;

        public HeaderList Headers { get; } = new();

        public byte[]? Envelope { get; set; }

        public byte[] Separator { get; set; } = [];

        public long BodyOffset { get; set; } = -1;

        public MimeBodyKind Kind { get; set; }

        public List<MimeDefect>? Defects { get; set; }

        public List<(MimeEntity Child, long DelimiterStart, long DelimiterEnd)> Children { get; } = [];

        public long PendingDelimiter { get; set; } = -1;

        public long PendingDelimiterEnd { get; set; } = -1;

        public long PreambleEnd { get; set; } = -1;

        public long TrailerStart { get; set; } = -1;

        public bool HasClose { get; set; }

        public long EpilogueStart { get; set; } = -1;

        public int CloseLineBreak { get; set; }

        public MimeEntity? Inner { get; set; }
    }
}
