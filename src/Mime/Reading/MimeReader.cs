namespace MailFilter.Mime;

/// <summary>
/// A forward-only, sans-I/O MIME reader. The caller hands it a buffer and gets one <see cref="MimeEvent"/> at a
/// time; the event's bytes are the first <see cref="MimeEvent.Length"/> bytes of that buffer, which the caller then
/// drops. When <see cref="TryRead"/> returns false and the reader is not <see cref="IsCompleted"/>, it needs more
/// data: nothing was consumed, and the caller must call again with the same bytes plus more (or with
/// <c>isFinalBlock</c> set at the end of input). The reader never needs more than about
/// <see cref="MimeOptions.MaxHeaderBytes"/> or <see cref="MimeOptions.MaxLineLength"/> bytes at once, whatever the input.
/// </summary>
/// <remarks>
/// Structure follows RFC 2045/2046 and, where they leave room, Python's email.feedparser (the project's judge):
/// any enclosing boundary ends an entity (RFC 2046 §5.1.2), the line break before a delimiter belongs to it
/// (§5.1.1), a line that is not a header field ends the header block, consecutive delimiter lines introduce one
/// part, and every message/* type except message/delivery-status holds an entity. Only LF ends a line (a CR before
/// it is part of the line break).
/// </remarks>
public sealed partial class MimeReader
{
    private const byte Cr = (byte)'\r';
    private const byte Lf = (byte)'\n';
    private const byte Dash = (byte)'-';
    private const byte Space = (byte)' ';
    private const byte Tab = (byte)'\t';

    private readonly MimeOptions _options;
    private readonly List<Frame> _frames = [];
    private readonly Queue<MimeEvent> _queued = new();
    private State _state = State.Begin;
    private long _position;
    private int _partCount;
    private bool _opaque;
    private bool _atLineStart;
    private int _closeTarget;
    private bool _resumeAtLineStart;

    /// <param name="options">Limits; <see cref="MimeOptions.Default"/> when null.</param>
    /// <param name="startOffset">Absolute offset of the first byte (event offsets count from it).</param>
    public MimeReader(MimeOptions? options = null, long startOffset = 0)
    {
        _options = options ?? MimeOptions.Default;
        _position = startOffset;
    }

    private enum State : byte
    {
        Begin,
        Headers,
        MessageStart,
        Body,
        PartStart,
        Closing,
        Done,
    }

    private enum Step : byte
    {
        Event,
        NeedMore,
        Continue,
    }

    private enum LineCheck : byte
    {
        NotBoundary,
        Boundary,
        NeedMore,
    }

    private enum LineMatch : byte
    {
        No,
        Yes,
        Maybe,
    }

    public MimeOptions Options => _options;

    /// <summary>Absolute offset of the next byte the reader will consume.</summary>
    public long Position => _position;

    /// <summary>True once the last entity has ended (after end of input).</summary>
    public bool IsCompleted => _state == State.Done && _queued.Count == 0;

    private Frame Top => _frames[^1];

    /// <summary>
    /// Reads the next event from <paramref name="buffer"/>, which starts at <see cref="Position"/>. Returns false when
    /// more data is needed (nothing consumed) or the reader is completed.
    /// </summary>
    public bool TryRead(ReadOnlySpan<byte> buffer, bool isFinalBlock, out MimeEvent evt)
    {
        if (_queued.TryDequeue(out evt))
        {
            return true;
        }

        while (true)
        {
            var step = _state switch
            {
                State.Begin => Begin(out evt),
                State.Headers => ReadHeaders(buffer, isFinalBlock, out evt),
                State.MessageStart => StartEntity(Top.Depth + 1, false, out evt),
                State.Body => ReadBody(buffer, isFinalBlock, out evt),
                State.PartStart => ReadPartStart(buffer, isFinalBlock, out evt),
                State.Closing => Close(out evt),
                _ => NeedMore(out evt),
            };

            if (step == Step.Event)
            {
                return true;
            }

            if (step == Step.NeedMore)
            {
                return false;
            }
        }
    }

    private Step Begin(out MimeEvent evt)
    {
        _partCount = 0;
        return StartEntity(0, false, out evt);
    }

    private Step StartEntity(int depth, bool defaultIsMessage, out MimeEvent evt)
    {
        _frames.Add(new Frame(depth, defaultIsMessage));
        _partCount++;
        _state = State.Headers;
        return Emit(MimeEventKind.EntityStart, 0, depth, out evt);
    }

    private Step Close(out MimeEvent evt)
    {
        if (_frames.Count - 1 <= _closeTarget)
        {
            _state = State.Body;
            _atLineStart = _resumeAtLineStart;
            evt = default;
            return Step.Continue;
        }

        var f = Top;
        if (!f.EndDefectReported && f.IsActiveMultipart)
        {
            f.EndDefectReported = true;
            var defect = f.State == MultipartState.Preamble ? MimeDefectKind.StartBoundaryNotFound : MimeDefectKind.CloseBoundaryNotFound;
            return Emit(MimeEventKind.Defect, 0, f.Depth, out evt, defect: defect);
        }

        _frames.RemoveAt(_frames.Count - 1);
        if (_frames.Count == 0)
        {
            _state = State.Done;
        }
        else if (_frames.Count - 1 == _closeTarget)
        {
            _state = State.Body;
            _atLineStart = _resumeAtLineStart;
        }

        return Emit(MimeEventKind.EntityEnd, 0, f.Depth, out evt);
    }

    private Step BeginClose(int target, bool resumeAtLineStart)
    {
        _closeTarget = target;
        _resumeAtLineStart = resumeAtLineStart;
        _state = State.Closing;
        return Step.Continue;
    }

    private Step Emit(MimeEventKind kind, int length, int depth, out MimeEvent evt, MimeBodyKind body = MimeBodyKind.None, MimeDefectKind defect = 0)
    {
        evt = new MimeEvent(kind, _position, length, depth, body, defect);
        _position += length;
        return Step.Event;
    }

    private void QueueDefect(MimeDefectKind defect, int depth)
    {
        if (defect != 0)
        {
            _queued.Enqueue(new MimeEvent(MimeEventKind.Defect, _position, 0, depth, MimeBodyKind.None, defect));
        }
    }

    private static Step NeedMore(out MimeEvent evt)
    {
        evt = default;
        return Step.NeedMore;
    }
}
