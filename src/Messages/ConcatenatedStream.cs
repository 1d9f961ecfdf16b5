namespace MailFilter.Messages;

/// <summary>A read-only stream over two seekable streams one after the other (a header block and a spooled body), from
/// their positions at construction, with a known length; seekable, so a parser can read it in place. Disposes both.</summary>
public sealed class ConcatenatedStream : Stream
{
    private readonly Stream _first;
    private readonly Stream _second;
    private readonly long _length;
    private readonly long _firstStart;
    private readonly long _firstLength;
    private readonly long _secondStart;
    private long _position;

    public ConcatenatedStream(Stream first, Stream second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (!first.CanSeek || !second.CanSeek)
        {
            throw new ArgumentException("both parts must be seekable, so that the length is known");
        }

        _first = first;
        _second = second;
        _firstStart = first.Position;
        _secondStart = second.Position;
        _firstLength = first.Length - _firstStart;
        _length = _firstLength + (second.Length - _secondStart);
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set
        {
            _position = Math.Clamp(value, 0, _length);
            _first.Position = _firstStart + Math.Min(_position, _firstLength);
            _second.Position = _secondStart + Math.Max(0, _position - _firstLength);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = _first.Read(buffer);
        if (n == 0)
        {
            n = _second.Read(buffer);
        }

        _position += n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await _first.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (n == 0)
        {
            n = await _second.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        _position += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => _length + offset,
        };
        return _position;
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _first.Dispose();
            _second.Dispose();
        }

        base.Dispose(disposing);
    }
}
