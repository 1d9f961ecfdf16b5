using System.Buffers;

namespace MailFilter.Mime;

/// <summary>
/// The I/O shell around <see cref="MimeReader"/>: pulls bytes from a <see cref="MimeSource"/> into a pooled buffer,
/// feeds the reader and builds the tree. The buffer only grows when the reader needs a whole header block or line,
/// so it stays under the limits in <see cref="MimeOptions"/> whatever the message size.
/// </summary>
internal static class MimeParser
{
    private const int InitialBuffer = 64 * 1024;

    public static MimeEntity Parse(MimeSource source, long start, long end, MimeOptions options)
    {
        var reader = new MimeReader(options, start);
        var builder = new MimeTreeBuilder(source);
        if (source is MemorySource memory)
        {
            var span = memory.Data.Span[(int)start..(int)end];
            var consumed = 0;
            while (reader.TryRead(span[consumed..], true, out var evt))
            {
                builder.Accept(evt, span.Slice(consumed, evt.Length));
                consumed += evt.Length;
            }
        }
        else
        {
            ParseBuffered(reader, builder, source, start, end, options);
        }

        return builder.Root ?? throw new InvalidOperationException("The reader ended without a root entity.");
    }

    private static void ParseBuffered(MimeReader reader, MimeTreeBuilder builder, MimeSource source, long start, long end, MimeOptions options)
    {
        var ceiling = options.MaxHeaderBytes + options.MaxLineLength + 1024;
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
        try
        {
            int head = 0, tail = 0;
            var readPosition = start;
            var final = false;
            while (true)
            {
                if (reader.TryRead(buffer.AsSpan(head, tail - head), final, out var evt))
                {
                    builder.Accept(evt, buffer.AsSpan(head, evt.Length));
                    head += evt.Length;
                    continue;
                }

                if (reader.IsCompleted)
                {
                    return;
                }

                if (final)
                {
                    throw new InvalidOperationException("The MIME reader stopped before the end of its input.");
                }

                // Need more: keep the unconsumed bytes, make room, read.
                if (head > 0)
                {
                    Buffer.BlockCopy(buffer, head, buffer, 0, tail - head);
                    tail -= head;
                    head = 0;
                }

                if (tail == buffer.Length)
                {
                    if (buffer.Length >= ceiling)
                    {
                        throw new InvalidOperationException("The MIME reader asked for more than its limits allow.");
                    }

                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, ceiling));
                    Buffer.BlockCopy(buffer, 0, bigger, 0, tail);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                var want = (int)Math.Min(buffer.Length - tail, end - readPosition);
                var n = want > 0 ? source.Read(readPosition, buffer.AsSpan(tail, want)) : 0;
                if (n <= 0)
                {
                    final = true;
                }
                else
                {
                    tail += n;
                    readPosition += n;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
