namespace MailFilter.Mime.Tests;

/// <summary>Feeds readers the way an I/O loop would, with chunk sizes chosen by the test.</summary>
internal static class ReaderDriver
{
    /// <summary>
    /// Runs a <see cref="MimeReader"/> over <paramref name="data"/>, adding <paramref name="chunk"/>() more bytes each
    /// time it asks for more. Checks the events partition the input, then merges adjacent data events of the same
    /// kind and entity (how many chunks content comes in is not part of the result).
    /// </summary>
    public static List<MimeEvent> ReadAll(byte[] data, Func<int> chunk, MimeOptions? options = null)
    {
        var reader = new MimeReader(options);
        var events = new List<MimeEvent>();
        int pos = 0, available = 0;
        var guard = 0L;
        while (true)
        {
            if (++guard > 50L * (data.Length + 1000))
            {
                throw new InvalidOperationException("the reader does not make progress");
            }

            var final = available == data.Length;
            if (reader.TryRead(data.AsSpan(pos, available - pos), final, out var evt))
            {
                Assert.Equal(pos, evt.Offset);
                Assert.True(evt.Length <= available - pos);
                pos += evt.Length;
                events.Add(evt);
                continue;
            }

            if (reader.IsCompleted)
            {
                break;
            }

            Assert.False(final, "the reader wants more data after the final block");
            available = Math.Min(data.Length, available + Math.Max(1, chunk()));
        }

        Assert.Equal(data.Length, pos);
        return Merge(events);
    }

    public static List<MimeEvent> Merge(List<MimeEvent> events)
    {
        var merged = new List<MimeEvent>(events.Count);
        foreach (var e in events)
        {
            if (merged.Count > 0 && e.Kind is MimeEventKind.Content or MimeEventKind.Preamble or MimeEventKind.Epilogue)
            {
                var last = merged[^1];
                if (last.Kind == e.Kind && last.Depth == e.Depth && last.Offset + last.Length == e.Offset)
                {
                    merged[^1] = last with { Length = last.Length + e.Length };
                    continue;
                }
            }

            if (e.Length == 0 && e.Kind is MimeEventKind.Content or MimeEventKind.Preamble or MimeEventKind.Epilogue)
            {
                continue;
            }

            merged.Add(e);
        }

        return merged;
    }

    /// <summary>Runs an <see cref="MboxReader"/> the same way; returns merged events.</summary>
    public static List<MboxEvent> ReadMbox(byte[] data, Func<int> chunk)
    {
        var reader = new MboxReader();
        var events = new List<MboxEvent>();
        int pos = 0, available = 0;
        while (true)
        {
            var final = available == data.Length;
            if (reader.TryRead(data.AsSpan(pos, available - pos), final, out var evt))
            {
                Assert.Equal(pos, evt.Offset);
                pos += evt.Length;
                if (events.Count > 0 && events[^1].Kind == evt.Kind && evt.Kind is MboxEventKind.Data or MboxEventKind.Preface)
                {
                    events[^1] = events[^1] with { Length = events[^1].Length + evt.Length };
                }
                else
                {
                    events.Add(evt);
                }

                continue;
            }

            if (final)
            {
                break;
            }

            available = Math.Min(data.Length, available + Math.Max(1, chunk()));
        }

        Assert.Equal(data.Length, pos);
        return events;
    }

    /// <summary>Decodes all at once, or chunk by chunk.</summary>
    public static byte[] Decode(IMimeDecoder decoder, byte[] input, Func<int> chunk)
    {
        decoder.Reset();
        using var output = new MemoryStream();
        var buffer = new byte[decoder.GetMaxDecodedLength(input.Length) + 64];
        var pos = 0;
        while (pos < input.Length)
        {
            var n = Math.Min(input.Length - pos, Math.Max(1, chunk()));
            var written = decoder.Decode(input.AsSpan(pos, n), buffer);
            output.Write(buffer, 0, written);
            pos += n;
        }

        output.Write(buffer, 0, decoder.Flush(buffer));
        return output.ToArray();
    }
}
