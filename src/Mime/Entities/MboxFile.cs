using System.Buffers;

namespace MailFilter.Mime;

/// <summary>
/// An mbox file read message by message: the messages share one source (the file is never loaded whole), and
/// <see cref="WriteTo"/> gives the file back byte for byte when nothing changed.
/// </summary>
public sealed class MboxFile : IDisposable
{
    private readonly MimeSource _source;
    private readonly List<Entry> _entries;

    private MboxFile(MimeSource source, long prefaceStart, long prefaceEnd, List<Entry> entries)
    {
        _source = source;
        PrefaceStart = prefaceStart;
        PrefaceEnd = prefaceEnd;
        _entries = entries;
    }

    public IReadOnlyList<MimeMessage> Messages => _entries.ConvertAll(e => e.Message);

    private long PrefaceStart { get; }

    private long PrefaceEnd { get; }

    /// <summary>True when the stream starts with "From " (how mailfilterctl tells an mbox file from a single message).</summary>
    public static bool LooksLikeMbox(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var position = stream.Position;
        Span<byte> head = stackalloc byte[5];
        var n = stream.ReadAtLeast(head, 5, throwOnEndOfStream: false);
        stream.Position = position;
        return n == 5 && head.SequenceEqual("From "u8);
    }

    /// <summary>Splits a seekable stream into messages and parses each. The stream must stay open while the messages are used.</summary>
    public static MboxFile Load(Stream stream, MimeOptions? options = null, bool leaveOpen = true)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var source = new StreamSource(stream, leaveOpen);
        return Load(source, stream.Position, source.Length, options ?? MimeOptions.Default);
    }

    public static MboxFile Load(ReadOnlyMemory<byte> data, MimeOptions? options = null) =>
        Load(new MemorySource(data), 0, data.Length, options ?? MimeOptions.Default);

    private static MboxFile Load(MimeSource source, long start, long end, MimeOptions options)
    {
        Charsets.EnsureRegistered();
        var ranges = Split(source, start, end);
        var entries = new List<Entry>(ranges.Count);
        long prefaceEnd = ranges.Count > 0 ? ranges[0].FromStart : end;
        foreach (var r in ranges)
        {
            var fromLine = new byte[r.DataStart - r.FromStart];
            source.Read(r.FromStart, fromLine);
            var message = MimeMessage.Load(source, r.DataStart, r.DataEnd, options, fromLine);
            entries.Add(new Entry(message, r.FromStart, r.DataEnd, r.End));
        }

        return new MboxFile(source, start, prefaceEnd, entries);
    }

    /// <summary>Writes the mbox: the preface, then each message's "From " line, the message and its separator.</summary>
    public void WriteTo(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _source.CopyTo(PrefaceStart, PrefaceEnd - PrefaceStart, output);
        foreach (var e in _entries)
        {
            output.Write(e.Message.MboxFromLine!.Value.Span);
            e.Message.WriteTo(output);
            _source.CopyTo(e.DataEnd, e.End - e.DataEnd, output);
        }
    }

    public void Dispose() => _source.Dispose();

    private static List<Range> Split(MimeSource source, long start, long end)
    {
        var reader = new MboxReader(start);
        var ranges = new List<Range>();
        var buffer = ArrayPool<byte>.Shared.Rent(128 * 1024);
        try
        {
            int head = 0, tail = 0;
            var readPosition = start;
            var final = false;
            Range? current = null;
            while (true)
            {
                if (reader.TryRead(buffer.AsSpan(head, tail - head), final, out var evt))
                {
                    head += evt.Length;
                    var evtEnd = evt.Offset + evt.Length;
                    switch (evt.Kind)
                    {
                        case MboxEventKind.FromLine:
                            if (current is { } c)
                            {
                                ranges.Add(c);
                            }

                            current = new Range(evt.Offset, evtEnd, evtEnd, evtEnd);
                            break;
                        case MboxEventKind.Data when current is { } d:
                            current = d with { DataEnd = evtEnd, End = evtEnd };
                            break;
                        case MboxEventKind.Separator when current is { } s:
                            current = s with { End = evtEnd };
                            break;
                    }

                    continue;
                }

                if (reader.IsCompleted || final)
                {
                    break;
                }

                if (head > 0)
                {
                    Buffer.BlockCopy(buffer, head, buffer, 0, tail - head);
                    tail -= head;
                    head = 0;
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

            if (current is { } last)
            {
                ranges.Add(last);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return ranges;
    }

    private readonly record struct Range(long FromStart, long DataStart, long DataEnd, long End);

    private sealed record Entry(MimeMessage Message, long FromStart, long DataEnd, long End);
}
