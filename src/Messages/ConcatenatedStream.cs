namespace MailFilter.Messages;

/// <summary>A read-only, forward-only stream over two seekable streams one after the other (a header block and a
/// spooled body), with a known length. Disposes both.</summary>
public sealed class ConcatenatedStream : Stream
{
    private readonly Stream _first;
    private readonly Stream _second;
    private readonly long _length;
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
        _length = (first.Length - first.Position) + (second.Length - second.Position);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position { get => _position; set => throw new NotSupportedException(); }

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

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

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
