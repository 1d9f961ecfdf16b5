namespace MailFilter.Mime;

/// <summary>A write-only pass-through that remembers the last byte written (the writer checks line-break positions with it).</summary>
internal sealed class TrackingStream : Stream
{
    private readonly Stream _inner;

    public TrackingStream(Stream inner)
    {
        _inner = inner;
    }

    /// <summary>The last byte written, or -1 before any.</summary>
    public int LastByte { get; private set; } = -1;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length > 0)
        {
            _inner.Write(buffer);
            LastByte = buffer[^1];
        }
    }

    public override void WriteByte(byte value)
    {
        _inner.WriteByte(value);
        LastByte = value;
    }

    public override void Flush() => _inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
