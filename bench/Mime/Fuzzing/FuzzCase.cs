namespace MailFilter.Mime.Fuzzing;

/// <summary>
/// Runs the engine over one input the way the pipeline would and checks its invariants: nothing but
/// <see cref="MimeFormatException"/> may escape, the input writes back byte for byte (whole and piece by piece),
/// every leaf decodes, headers decode, an edited copy writes and reads back, and the reader's events do not depend
/// on chunking.
/// </summary>
public static class FuzzCase
{
    /// <summary>Runs the checks; throws <see cref="FuzzFailure"/> when an invariant breaks.</summary>
    public static void Run(byte[] input, Random random)
    {
        try
        {
            RunCore(input, random);
        }
        catch (MimeFormatException)
        {
            // The engine's documented format error: allowed.
        }
        catch (FuzzFailure)
        {
            throw;
        }
        catch (Exception ex)
        {
            throw new FuzzFailure("unexpected " + ex.GetType().Name + ": " + ex.Message, ex);
        }
    }

    private static void RunCore(byte[] input, Random random)
    {
        using var message = MimeMessage.Load(input);
        foreach (var entity in message.Entities)
        {
            _ = entity.ContentType.MimeType;
            _ = entity.ContentType.Charset;
            _ = entity.ContentDisposition?.FileName;
            _ = entity.FileName;
            _ = entity.IsAttachment;
            _ = entity.ContentTransferEncoding;
            foreach (var header in entity.Headers)
            {
                _ = header.DecodedValue;
            }

            if (entity is MimePart part)
            {
                var (length, _) = part.GetDecodedDigest();
                if (part.ContentType.MediaType == "text" && length < 256 * 1024)
                {
                    _ = part.GetText();
                }
            }
        }

        _ = message.Subject;
        _ = message.From;
        _ = message.To;
        _ = message.Cc;
        _ = message.Date;

        if (!message.ToArray().AsSpan().SequenceEqual(input))
        {
            throw new FuzzFailure("the message does not write back byte for byte");
        }

        using (var ms = new MemoryStream())
        {
            MimeWriter.WritePiecewise(message.Root, ms);
            if (!ms.ToArray().AsSpan().SequenceEqual(input))
            {
                throw new FuzzFailure("the message does not write back byte for byte piece by piece");
            }
        }

        Edit(message, random);
        if (random.Next(8) == 0)
        {
            CheckChunking(input, random);
        }
    }

    /// <summary>Replaces a random leaf and adds a header; the result must read back with the new part in it.</summary>
    private static void Edit(MimeMessage message, Random random)
    {
        message.Headers.Set("X-Fuzz", "edited");
        var leaves = message.LeafParts.ToList();
        var marker = "fuzz-" + random.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var replacement = new MimePart("application", "octet-stream");
        replacement.SetContent(MimeContent.FromBytes(System.Text.Encoding.ASCII.GetBytes(marker)));
        replacement.SetFileName(marker + ".bin");
        if (leaves.Count > 0 && leaves[random.Next(leaves.Count)] is { Parent: not null } victim)
        {
            message.Replace(victim, replacement);
        }

        var written = message.ToArray();
        using var reread = MimeMessage.Load(written);
        if (reread.Headers["X-Fuzz"] != "edited")
        {
            throw new FuzzFailure("the edited header did not survive a write and read");
        }

        if (replacement.Parent is not null && !reread.LeafParts.Any(p => p.FileName == marker + ".bin"))
        {
            // A replaced part can only vanish if the enclosing structure was itself broken in the input (for example
            // a multipart inside a part whose boundary an outer one reuses); check it is at least still in the bytes.
            if (!System.Text.Encoding.Latin1.GetString(written).Contains(marker + ".bin", StringComparison.Ordinal))
            {
                throw new FuzzFailure("the replacement part was not written");
            }
        }
    }

    private static void CheckChunking(byte[] input, Random random)
    {
        var whole = Events(input, () => input.Length);
        var chunked = Events(input, () => random.Next(1, 64));
        if (!whole.SequenceEqual(chunked))
        {
            throw new FuzzFailure("the reader's events depend on chunk sizes");
        }
    }

    private static List<MimeEvent> Events(byte[] data, Func<int> chunk)
    {
        var reader = new MimeReader();
        var events = new List<MimeEvent>();
        int pos = 0, available = 0;
        while (true)
        {
            if (reader.TryRead(data.AsSpan(pos, available - pos), available == data.Length, out var evt))
            {
                pos += evt.Length;
                if (events.Count > 0 && evt.Kind is MimeEventKind.Content or MimeEventKind.Preamble or MimeEventKind.Epilogue
                    && events[^1].Kind == evt.Kind && events[^1].Depth == evt.Depth)
                {
                    events[^1] = events[^1] with { Length = events[^1].Length + evt.Length };
                }
                else if (!(evt.Length == 0 && evt.Kind is MimeEventKind.Content or MimeEventKind.Preamble or MimeEventKind.Epilogue))
                {
                    events.Add(evt);
                }

                continue;
            }

            if (reader.IsCompleted)
            {
                return events;
            }

            if (available == data.Length)
            {
                throw new FuzzFailure("the reader wants more data after the final block");
            }

            available = Math.Min(data.Length, available + Math.Max(1, chunk()));
        }
    }
}
