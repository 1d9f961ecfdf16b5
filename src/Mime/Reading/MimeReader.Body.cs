namespace MailFilter.Mime;

public sealed partial class MimeReader
{
    private static ReadOnlySpan<byte> LfDashDash => "\n--"u8;

    private Step ReadBody(ReadOnlySpan<byte> buf, bool final, out MimeEvent evt)
    {
        var top = Top;
        var kind = DataKind(top);
        if (!HasActiveBoundary())
        {
            // Nothing can end this entity but the end of input: no line needs a second look.
            if (buf.Length > 0)
            {
                return Emit(kind, buf.Length, top.Depth, out evt);
            }

            evt = default;
            return final ? BeginClose(-1, false) : Step.NeedMore;
        }

        var i = 0;
        if (_atLineStart)
        {
            var check = CheckLine(buf, 0, final, out var k, out var close, out var lineNext);
            if (check == LineCheck.NeedMore)
            {
                return NeedMore(out evt);
            }

            if (check == LineCheck.Boundary)
            {
                return OnBoundary(k, close, lineNext, true, out evt);
            }

            _atLineStart = false;
        }

        while (true)
        {
            var idx = buf[i..].IndexOf(LfDashDash);
            if (idx < 0)
            {
                int end;
                if (!final)
                {
                    end = SafeEnd(buf);
                }
                else
                {
                    // At the end of input a final line break belongs to the close delimiter that never came.
                    end = buf.Length;
                    if (end > 0 && buf[end - 1] == Lf)
                    {
                        end -= end >= 2 && buf[end - 2] == Cr ? 2 : 1;
                    }
                }

                if (end > 0)
                {
                    return Emit(kind, end, top.Depth, out evt);
                }

                if (!final)
                {
                    return NeedMore(out evt);
                }

                if (buf.Length > 0)
                {
                    // Entities inside the multipart that owns the missing delimiter end first, then the line break
                    // is reported at the owner's level.
                    var owner = InnermostActive();
                    if (owner != top)
                    {
                        evt = default;
                        return BeginClose(owner.Depth, false);
                    }

                    BeginClose(-1, false);
                    return Emit(MimeEventKind.MissingBoundary, buf.Length, owner.Depth, out evt);
                }

                evt = default;
                return BeginClose(-1, false);
            }

            var nl = i + idx;
            var eolStart = nl > 0 && buf[nl - 1] == Cr ? nl - 1 : nl;
            var result = CheckLine(buf, nl + 1, final, out var level, out var isClose, out var next);
            if (result == LineCheck.NeedMore)
            {
                return eolStart > 0 ? Emit(kind, eolStart, top.Depth, out evt) : NeedMore(out evt);
            }

            if (result == LineCheck.Boundary)
            {
                // Content stops before the line break; the next call starts at it and emits the delimiter.
                return eolStart > 0 ? Emit(kind, eolStart, top.Depth, out evt) : OnBoundary(level, isClose, next, false, out evt);
            }

            i = nl + 1;
        }
    }

    private Step OnBoundary(int level, bool close, int length, bool atLineStart, out MimeEvent evt)
    {
        if (level != _frames.Count - 1)
        {
            // An enclosing multipart's boundary: end the entities inside it first, then read the line again.
            evt = default;
            return BeginClose(level, atLineStart);
        }

        var m = _frames[level];
        if (close)
        {
            var before = m.State == MultipartState.Preamble;
            m.State = MultipartState.Epilogue;
            _state = State.Body;
            _atLineStart = true;
            Emit(MimeEventKind.CloseBoundary, length, m.Depth, out evt);
            if (before)
            {
                QueueDefect(MimeDefectKind.CloseBoundaryBeforeParts, m.Depth);
            }

            return Step.Event;
        }

        m.State = MultipartState.Parts;
        _state = State.PartStart;
        return Emit(MimeEventKind.Boundary, length, m.Depth, out evt);
    }

    private Step ReadPartStart(ReadOnlySpan<byte> buf, bool final, out MimeEvent evt)
    {
        var m = Top;
        if (_partCount >= _options.MaxParts)
        {
            // Past the part limit nothing more is interpreted: the rest of the input is this multipart's epilogue.
            _opaque = true;
            _state = State.Body;
            return Emit(MimeEventKind.Defect, 0, m.Depth, out evt, defect: MimeDefectKind.PartLimitExceeded);
        }

        // Delimiter lines right after a delimiter belong to it: there is no body part between them (Python's
        // feedparser reads it the same way; RFC 2046 §5.1.1 needs a CRLF for even an empty part).
        var window = buf[..Math.Min(buf.Length, _options.MaxLineLength + 2)];
        var nl = window.IndexOf(Lf);
        ReadOnlySpan<byte> line;
        bool complete;
        int next;
        if (nl >= 0)
        {
            line = window[..(nl > 0 && window[nl - 1] == Cr ? nl - 1 : nl)];
            complete = true;
            next = nl + 1;
        }
        else
        {
            line = window;
            complete = final || window.Length >= _options.MaxLineLength + 2;
            next = window.Length;
        }

        var match = window.Length >= _options.MaxLineLength + 2 && nl < 0 ? LineMatch.No : MatchLine(line, m.Delimiter!, complete, out _);
        if (match == LineMatch.Maybe)
        {
            return NeedMore(out evt);
        }

        if (match == LineMatch.Yes)
        {
            return Emit(MimeEventKind.Boundary, next, m.Depth, out evt);
        }

        return StartEntity(m.Depth + 1, m.IsDigest, out evt);
    }

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

    /// <summary>How much of <paramref name="buf"/> is surely content: everything except a tail that may start "[CR]LF--".</summary>
    private static int SafeEnd(ReadOnlySpan<byte> buf)
    {
        var n = buf.Length;
        if (n == 0)
        {
            return 0;
        }

        var last = buf[n - 1];
        if (last == Cr)
        {
            return n - 1;
        }

        if (last == Lf)
        {
            return n >= 2 && buf[n - 2] == Cr ? n - 2 : n - 1;
        }

        if (last == Dash && n >= 2 && buf[n - 2] == Lf)
        {
            return n >= 3 && buf[n - 3] == Cr ? n - 3 : n - 2;
        }

        return n;
    }

    private static MimeEventKind DataKind(Frame f) => f.Kind switch
    {
        MimeBodyKind.Multipart => f.State == MultipartState.Preamble ? MimeEventKind.Preamble : MimeEventKind.Epilogue,
        _ => MimeEventKind.Content,
    };

    private bool HasActiveBoundary()
    {
        if (_opaque)
        {
            return false;
        }

        foreach (var f in _frames)
        {
            if (f.IsActiveMultipart)
            {
                return true;
            }
        }

        return false;
    }

    private Frame InnermostActive()
    {
        for (var k = _frames.Count - 1; k >= 0; k--)
        {
            if (_frames[k].IsActiveMultipart)
            {
                return _frames[k];
            }
        }

        return _frames[0];
    }
}
