using System.Diagnostics;
using System.Text;

namespace MailFilter.Mime.Tests;

/// <summary>Input built to hurt: deep nesting, very many parts, huge headers and lines. Bounded time and memory, no crash.</summary>
public class HostileShapeTests
{
    private static readonly TimeSpan s_budget = TimeSpan.FromSeconds(20);

    [Fact]
    public void TenThousandNestedMultipartsStopAtTheDepthLimitWithoutRecursion()
    {
        var data = Build.NestedMultiparts(10_000);
        var (message, elapsed, allocated) = Measure(() => MimeMessage.Load(data));
        using (message)
        {
            Assert.True(elapsed < s_budget, $"took {elapsed}");
            Assert.Equal(MimeOptions.Default.MaxDepth, message.Entities.Max(e => e.Depth));
            Assert.True(allocated < 32L << 20, $"allocated {allocated >> 20} MB");
            LimitTests.AssertRoundTrip(message, data);
            message.Headers.Set("X-Changed", "yes");
            Assert.True(message.ToArray().Length > data.Length);
        }

        // Raising the limit to its ceiling still never overflows the stack: the reader and builder keep explicit
        // stacks and the writer recurses at most DepthCeiling levels.
        using var deep = MimeMessage.Load(data, new MimeOptions { MaxDepth = MimeOptions.DepthCeiling });
        Assert.Equal(MimeOptions.DepthCeiling, deep.Entities.Max(e => e.Depth));
        var innermost = deep.Entities.OfType<Multipart>().Last();
        innermost.Headers.Set("X-Changed", "yes");
        Assert.Equal(data.Length + "X-Changed: yes\r\n".Length, deep.ToArray().Length);
    }

    [Fact]
    public void AHundredThousandPartsStopAtThePartLimitAndParseInLinearTimeWhenAllowed()
    {
        var data = Build.ManyParts(100_000);
        var (message, elapsed, _) = Measure(() => MimeMessage.Load(data));
        using (message)
        {
            Assert.True(elapsed < s_budget, $"took {elapsed}");
            Assert.Equal(MimeOptions.Default.MaxParts, message.Entities.Count());
            LimitTests.AssertRoundTrip(message, data);
        }

        var (all, elapsedAll, allocated) = Measure(() => MimeMessage.Load(data, new MimeOptions { MaxParts = 200_000 }));
        using (all)
        {
            Assert.True(elapsedAll < s_budget, $"took {elapsedAll}");
            Assert.Equal(100_000, Assert.IsType<Multipart>(all.Root).Count);
            Assert.True(allocated < 512L << 20, $"allocated {allocated >> 20} MB");
            LimitTests.AssertRoundTrip(all, data);
        }
    }

    [Fact]
    public void AOneMegabyteHeaderIsReadUpToTheLimitAndTheRestKeptAsContent()
    {
        var folded = "Subject: " + string.Join("\r\n ", Enumerable.Repeat(new string('x', 76), 1024 * 1024 / 79)) + "\r\n";
        var oneLine = "Subject: " + new string('y', 1024 * 1024) + "\r\n";
        foreach (var header in new[] { folded, oneLine })
        {
            var data = Encoding.ASCII.GetBytes("From: a@example.com\r\n" + header + "To: b@example.com\r\n\r\nbody\r\n");
            var (message, elapsed, allocated) = Measure(() => MimeMessage.Load(data));
            using (message)
            {
                Assert.True(elapsed < s_budget, $"took {elapsed}");
                Assert.Single(message.Headers);
                Assert.Contains(message.Root.Defects, d => d.Kind is MimeDefectKind.HeaderBytesLimitExceeded or MimeDefectKind.LineLengthLimitExceeded);
                Assert.True(allocated < 16L << 20, $"allocated {allocated >> 20} MB");
                LimitTests.AssertRoundTrip(message, data);
            }

            var generous = new MimeOptions { MaxHeaderBytes = 4 << 20, MaxLineLength = 4 << 20 };
            using var whole = MimeMessage.Load(data, generous);
            Assert.Equal(3, whole.Headers.Count);
            Assert.True(whole.Subject!.Length > 1_000_000);
        }
    }

    [Fact]
    public void AFiftyMegabyteSingleLineStreamsThroughInBoundedMemory()
    {
        var path = Path.Combine(Path.GetTempPath(), "mime-hostile-" + Guid.NewGuid().ToString("N") + ".eml");
        try
        {
            using (var f = File.Create(path))
            {
                f.Write(Build.Ascii("From: a@example.com\nContent-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: text/plain\n\n"));
                f.Write("--x"u8); // starts like a delimiter, then never ends
                var chunk = new byte[1 << 20];
                Array.Fill(chunk, (byte)' ');
                for (var i = 0; i < 50; i++)
                {
                    f.Write(chunk);
                }

                f.Write("\r\n--x--\r\n"u8);
            }

            using var stream = File.OpenRead(path);
            var (message, elapsed, allocated) = Measure(() => MimeMessage.Load(stream));
            using (message)
            {
                Assert.True(elapsed < s_budget, $"took {elapsed}");
                Assert.True(allocated < 4L << 20, $"allocated {allocated >> 20} MB while reading");
                var part = Assert.Single(message.LeafParts);
                Assert.True(part.EncodedLength > 50L << 20);
                var before = GC.GetAllocatedBytesForCurrentThread();
                using var sink = new CountingSink();
                message.WriteTo(sink);
                Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4L << 20, "writing allocated more than 4 MB");
                Assert.Equal(new FileInfo(path).Length, sink.Length);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static (MimeMessage Message, TimeSpan Elapsed, long Allocated) Measure(Func<MimeMessage> load)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        var message = load();
        sw.Stop();
        return (message, sw.Elapsed, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
