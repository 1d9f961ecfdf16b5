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
