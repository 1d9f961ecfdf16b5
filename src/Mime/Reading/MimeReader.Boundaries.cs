namespace MailFilter.Mime;

/// <summary>Delimiter recognition (RFC 2046 §5.1.1): which open multipart, if any, a line belongs to.</summary>
public sealed partial class MimeReader
{
    /// <summary>Looks at the line starting at <paramref name="start"/>: is it a delimiter of an open multipart?</summary>
    private LineCheck CheckLine(ReadOnlySpan<byte> buf, int start, bool final, out int level, out bool close, out int next)
    {
        var maxLine = _options.MaxLineLength + 2;
        var window = buf.Slice(start, Math.Min(buf.Length - start, maxLine));
        var nl = window.IndexOf(Lf);
        ReadOnlySpan<byte> line;
        bool complete;
        if (nl >= 0)
        {
            line = window[..(nl > 0 && window[nl - 1] == Cr ? nl - 1 : nl)];
            complete = true;
            next = start + nl + 1;
        }
        else if (window.Length >= maxLine)
        {
            // Longer than any line the reader looks at: content, whatever it holds.
            level = -1;
            close = false;
            next = 0;
            return LineCheck.NotBoundary;
        }
        else
        {
            line = window;
            complete = final;
            next = buf.Length;
        }

        level = MatchBoundary(line, complete, out close);
        return level switch
        {
            >= 0 => LineCheck.Boundary,
            -2 => LineCheck.NeedMore,
            _ => LineCheck.NotBoundary,
        };
    }

    /// <summary>
    /// The index of the open multipart whose delimiter the line is, -1 for none, -2 when more of the line is needed.
    /// Enclosing multiparts are tried innermost first, except that a multipart reading its own preamble, epilogue or
    /// the line after a part tries its ancestors' boundaries before its own: when nested multiparts reuse a boundary
    /// (RFC 2046 §5.1.2 forbids it), the outer one wins, as in Python's feedparser.
    /// </summary>
    private int MatchBoundary(ReadOnlySpan<byte> line, bool complete, out bool close)
    {
        close = false;
        if (_opaque)
        {
            return -1;
        }

        var top = _frames.Count - 1;
        var topIsMultipart = _frames[top].IsActiveMultipart;
        for (var k = topIsMultipart ? top - 1 : top; k >= 0; k--)
        {
            var result = MatchFrame(k, line, complete, ref close);
            if (result != -1)
            {
                return result;
            }
        }

        return topIsMultipart ? MatchFrame(top, line, complete, ref close) : -1;
    }

    private int MatchFrame(int k, ReadOnlySpan<byte> line, bool complete, ref bool close)
    {
        var f = _frames[k];
        if (!f.IsActiveMultipart)
        {
            return -1;
        }

        return MatchLine(line, f.Delimiter!, complete, out close) switch
        {
            LineMatch.Yes => k,
            LineMatch.Maybe => -2,
            _ => -1,
        };
    }

    /// <summary>RFC 2046 §5.1.1: "--" boundary ["--"] transport-padding, nothing else on the line.</summary>
    private static LineMatch MatchLine(ReadOnlySpan<byte> line, byte[] delimiter, bool complete, out bool close)
    {
        close = false;
        var n = Math.Min(line.Length, delimiter.Length);
        if (!line[..n].SequenceEqual(delimiter.AsSpan(0, n)))
        {
            return LineMatch.No;
        }

        if (line.Length < delimiter.Length)
        {
            return complete ? LineMatch.No : LineMatch.Maybe;
        }

        var rest = line[delimiter.Length..];
        var j = 0;
        if (rest.Length >= 2 && rest[0] == Dash && rest[1] == Dash)
        {
            close = true;
            j = 2;
        }
        else if (rest.Length == 1 && rest[0] == Dash)
        {
            return complete ? LineMatch.No : LineMatch.Maybe;
        }

        while (j < rest.Length && rest[j] is Space or Tab)
        {
            j++;
        }

        // At most one CR may end the line besides the line break's own (a lone CR at the end of input counts as the
        // line break, as Python reads it). A partial line may still grow into one that matches: then Maybe, so the
        // decision never depends on where a chunk ends.
        var crs = 0;
        while (j < rest.Length && rest[j] == Cr)
        {
            crs++;
            j++;
        }

        if (j < rest.Length)
        {
            return LineMatch.No;
        }

        if (complete)
        {
            return crs <= 1 ? LineMatch.Yes : LineMatch.No;
        }

        return crs <= 2 ? LineMatch.Maybe : LineMatch.No;
    }
}
