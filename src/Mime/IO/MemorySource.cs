namespace MailFilter.Mime;

/// <summary>A message held in memory (tests, small messages, the benchmark's 2 KB case).</summary>
internal sealed class MemorySource : MimeSource
{
    private readonly ReadOnlyMemory<byte> _data;

    public MemorySource(ReadOnlyMemory<byte> data)
    {
        _data = data;
    }

    public ReadOnlyMemory<byte> Data => _data;

    public override long Length => _data.Length;

    public override int Read(long offset, Span<byte> buffer)
    {
        if (offset >= _data.Length)
        {
            return 0;
        }

        var n = (int)Math.Min(buffer.Length, _data.Length - offset);
        _data.Span.Slice((int)offset, n).CopyTo(buffer);
        return n;
    }

    public override void CopyTo(long offset, long length, Stream destination) =>
        destination.Write(_data.Span.Slice((int)offset, (int)length));
}
