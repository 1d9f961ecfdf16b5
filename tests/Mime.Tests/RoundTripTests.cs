namespace MailFilter.Mime.Tests;

public class RoundTripTests
{
    [Fact]
    public void EveryCorpusFileWritesBackByteIdentical()
    {
        var failures = new List<string>();
        var count = 0;
        foreach (var file in Corpus.Files)
        {
            var bytes = file.ReadAllBytes();
            byte[] written;
            if (file.IsMbox)
            {
                using var mbox = MboxFile.Load(bytes);
                Assert.Equal(file.Messages, mbox.Messages.Count);
                using var ms = new MemoryStream();
                mbox.WriteTo(ms);
                written = ms.ToArray();
                count += mbox.Messages.Count;
            }
            else
            {
                using var message = MimeMessage.Load(bytes);
                written = message.ToArray();
                count++;
            }

            if (!written.AsSpan().SequenceEqual(bytes))
            {
                failures.Add(file.Path);
            }
        }

        Assert.True(count >= 713, $"only {count} messages");
        Assert.True(failures.Count == 0, "not byte-identical: " + string.Join(", ", failures));
    }

    [Fact]
    public void EveryCorpusMessageWritesBackByteIdenticalWhenEveryPieceIsWrittenSeparately()
    {
        // Bypasses the "unmodified entity: copy its bytes" shortcut, so every header field, separator, preamble,
        // delimiter run, trailer and leaf body is written from the tree's own bookkeeping.
        var failures = new List<string>();
        foreach (var m in Corpus.Messages())
        {
            using var message = MimeMessage.Load(m.Bytes);
            using var ms = new MemoryStream();
            MimeWriter.WritePiecewise(message.Root, ms);
            var written = ms.ToArray();
            if (!written.AsSpan().SequenceEqual(m.Bytes))
            {
                var at = written.AsSpan().CommonPrefixLength(m.Bytes);
                failures.Add($"{m.Id} (differs at {at} of {m.Bytes.Length}, wrote {written.Length})");
            }
        }

        Assert.True(failures.Count == 0, "not byte-identical: " + string.Join(", ", failures));
    }

    [Fact]
    public void EveryCorpusFileWritesBackByteIdenticalWhenReadFromAFileStream()
    {
        var failures = new List<string>();
        foreach (var file in Corpus.Files)
        {
            using var stream = new FileStream(file.FullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
            using var output = new MemoryStream();
            if (file.IsMbox)
            {
                using var mbox = MboxFile.Load(stream);
                mbox.WriteTo(output);
            }
            else
            {
                using var message = MimeMessage.Load(stream);
                message.WriteTo(output);
            }

            if (!output.ToArray().AsSpan().SequenceEqual(file.ReadAllBytes()))
            {
                failures.Add(file.Path);
            }
        }

        Assert.True(failures.Count == 0, "not byte-identical: " + string.Join(", ", failures));
    }
}
