namespace MailFilter.Mime;

/// <summary>
/// Random access to the bytes a message was read from. Entities keep offsets into it, so content is copied or
/// decoded from here on demand and never held in memory. Not thread-safe: a message is used by one thread at a time.
/// </summary>
internal abstract class MimeSource : IDisposable
{
    public abstract long Length { get; }

    /// <summary>Reads up to buffer.Length bytes at <paramref name="offset"/>; returns the count (0 at the end).</summary>
    public abstract int Read(long offset, Span<byte> buffer);

    public virtual void CopyTo(long offset, long length, Stream destination)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(length, 1), 128 * 1024));
        try
        {
            while (length > 0)
            {
                var n = Read(offset, buffer.AsSpan(0, (int)Math.Min(buffer.Length, length)));
                if (n <= 0)
                {
                    throw new EndOfStreamException("The message source is shorter than when it was read.");
                }

                destination.Write(buffer, 0, n);
                offset += n;
                length -= n;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public Stream OpenRange(long offset, long length) => new SourceRangeStream(this, offset, length);

    public virtual void Dispose()
    {
    }
}
