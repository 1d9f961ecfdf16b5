namespace MailFilter.Mime;

public sealed partial class MimeReader
{
    private static ReadOnlySpan<byte> FromSpace => "From "u8;

    private Step ReadHeaders(ReadOnlySpan<byte> buf, bool final, out MimeEvent evt)
    {
        var f = Top;
        var maxLine = _options.MaxLineLength + 2;
        if (buf.Length == 0)
        {
            return final ? EndHeaders(f, 0, 0, false, out evt) : NeedMore(out evt);
        }

        var window = buf[..Math.Min(buf.Length, maxLine)];
        var nl = window.IndexOf(Lf);
        int next;
        int lineEnd;
        if (nl < 0)
        {
            if (window.Length >= maxLine)
            {
                return EndHeaders(f, 0, MimeDefectKind.LineLengthLimitExceeded, true, out evt);
            }

            if (!final)
            {
                return NeedMore(out evt);
            }

            next = buf.Length;
            lineEnd = buf[^1] == Cr ? buf.Length - 1 : buf.Length;
        }
        else
        {
            next = nl + 1;
            lineEnd = nl > 0 && buf[nl - 1] == Cr ? nl - 1 : nl;
        }

        var line = buf[..lineEnd];

        // RFC 2046 §5.1.2: an enclosing boundary ends this entity wherever it appears, its header block included.
        if (line.Length >= 2 && line[0] == Dash && line[1] == Dash && MatchBoundary(line, true, out _) >= 0)
        {
            return EndHeaders(f, 0, 0, false, out evt);
        }

        if (line.Length == 0)
        {
            return EndHeaders(f, next, 0, false, out evt); // RFC 5322 §2.1: the empty line ending the header block
        }

        if (f.HeaderBytes + next > _options.MaxHeaderBytes)
        {
            return EndHeaders(f, 0, MimeDefectKind.HeaderBytesLimitExceeded, true, out evt);
        }

        if (line[0] is Space or Tab)
        {
            return InvalidLine(f, next, out evt); // a continuation line with no field before it (RFC 5322 §2.2.3)
        }

        if (line.StartsWith(FromSpace))
        {
            // RFC 4155: an mbox "From " line may precede the first field; anywhere else it is misplaced.
            return f.LineCount == 0 ? CountLine(f, MimeEventKind.EnvelopeLine, next, out evt) : InvalidLine(f, next, out evt);
        }

        var colon = line.IndexOf((byte)':');
        if (colon < 0 || !IsFieldName(line[..colon]))
        {
            // Not a field: the header block ended without its empty line and this line starts the body.
            return EndHeaders(f, 0, MimeDefectKind.MissingHeaderBodySeparator, false, out evt);
        }

        if (colon == 0)
        {
            return InvalidLine(f, next, out evt);
        }

        if (f.HeaderCount >= _options.MaxHeaderCount)
        {
            return EndHeaders(f, 0, MimeDefectKind.HeaderCountLimitExceeded, true, out evt);
        }

        // Gather continuation lines: a field ends at a line break not followed by WSP (RFC 5322 §2.2.3).
        var end = next;
        while (true)
        {
            if (f.HeaderBytes + end > _options.MaxHeaderBytes)
            {
                return EndHeaders(f, 0, MimeDefectKind.HeaderBytesLimitExceeded, true, out evt);
            }

            if (end >= buf.Length)
            {
                if (final)
                {
                    break;
                }

                return NeedMore(out evt);
            }

            if (buf[end] is not (Space or Tab))
            {
                break;
            }

            var rest = buf[end..Math.Min(buf.Length, end + maxLine)];
            var n2 = rest.IndexOf(Lf);
            if (n2 >= 0)
            {
                end += n2 + 1;
            }
            else if (rest.Length >= maxLine)
            {
                return EndHeaders(f, 0, MimeDefectKind.LineLengthLimitExceeded, true, out evt);
            }
            else if (final)
            {
                end = buf.Length;
            }
            else
            {
                return NeedMore(out evt);
            }
        }

        var field = buf[..end];
        var name = field[..colon];
        if (f.ContentType is null && name.Length == 12 && System.Text.Ascii.EqualsIgnoreCase(name, "content-type"u8))
        {
            f.ContentType = ValueOf(field, colon);
        }
        else if (f.TransferEncoding is null && name.Length == 25 && System.Text.Ascii.EqualsIgnoreCase(name, "content-transfer-encoding"u8))
        {
            f.TransferEncoding = ValueOf(field, colon);
        }

        f.HeaderCount++;
        return CountLine(f, MimeEventKind.Header, end, out evt);
    }

    private static byte[] ValueOf(ReadOnlySpan<byte> field, int colon)
    {
        var end = field.Length;
        if (end > 0 && field[end - 1] == Lf)
        {
            end--;
            if (end > colon + 1 && field[end - 1] == Cr)
            {
                end--;
            }
        }

        return field[(colon + 1)..end].ToArray();
    }

    /// <summary>Python's feedparser and RFC 5322 §3.6.8 ftext: printable ASCII except ':'.</summary>
    private static bool IsFieldName(ReadOnlySpan<byte> name) => !name.ContainsAnyExceptInRange((byte)0x21, (byte)0x7E);

    private Step CountLine(Frame f, MimeEventKind kind, int length, out MimeEvent evt)
    {
        f.HeaderBytes += length;
        f.LineCount++;
        return Emit(kind, length, f.Depth, out evt);
    }

    private Step InvalidLine(Frame f, int length, out MimeEvent evt)
    {
        CountLine(f, MimeEventKind.InvalidHeaderLine, length, out evt);
        QueueDefect(MimeDefectKind.InvalidHeaderLine, f.Depth);
        return Step.Event;
    }

    /// <summary>Ends the header block with <paramref name="length"/> separator bytes and decides how the body is read.</summary>
    private Step EndHeaders(Frame f, int length, MimeDefectKind defect, bool forceLeaf, out MimeEvent evt)
    {
        var kind = MimeBodyKind.Leaf;
        MimeDefectKind kindDefect = 0;
        if (!forceLeaf)
        {
            var contentType = BodyRules.GetContentType(f.ContentType, f.DefaultIsMessage);
            kind = BodyRules.Decide(contentType, f.TransferEncoding, out var delimiter, out kindDefect);
            if (kind != MimeBodyKind.Leaf && f.Depth >= _options.MaxDepth)
            {
                kind = MimeBodyKind.Leaf;
                kindDefect = MimeDefectKind.DepthLimitExceeded;
            }
            else if (kind == MimeBodyKind.Message && _partCount >= _options.MaxParts)
            {
                kind = MimeBodyKind.Leaf;
                kindDefect = MimeDefectKind.PartLimitExceeded;
            }

            if (kind == MimeBodyKind.Multipart)
            {
                f.Delimiter = delimiter;
                f.IsDigest = contentType.MediaSubtype == "digest";
                f.State = MultipartState.Preamble;
            }
        }

        f.Kind = kind;
        f.ContentType = null;
        f.TransferEncoding = null;
        _state = kind == MimeBodyKind.Message ? State.MessageStart : State.Body;
        _atLineStart = true;
        Emit(MimeEventKind.HeadersEnd, length, f.Depth, out evt, kind);
        QueueDefect(defect, f.Depth);
        QueueDefect(kindDefect, f.Depth);
        return Step.Event;
    }
}
