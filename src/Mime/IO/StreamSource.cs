namespace MailFilter.Mime;

/// <summary>A message in a seekable stream (the milter's spool file). Each read seeks first, so ranges can interleave.</summary>
internal sealed class StreamSource : MimeSource
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;

    public StreamSource(Stream stream, bool leaveOpen)
    {
        if (!stream.CanSeek || !stream.CanRead)
        {
            throw new ArgumentException("The stream must be readable and seekable.", nameof(stream));
        }

        _stream = stream;
        _leaveOpen = leaveOpen;
    }

    public override long Length => _stream.Length;

    public override int Read(long offset, Span<byte> buffer)
    {
        if (_stream.Position != offset)
        {
            _stream.Position = offset;
        }

        return _stream.Read(buffer);
    }

    public override void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }
}
