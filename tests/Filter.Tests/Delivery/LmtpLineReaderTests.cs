using System.Buffers;
using System.Text;
using MailFilter.Filter.Delivery.Lmtp;

namespace MailFilter.Filter.Tests.Delivery;

public class LmtpLineReaderTests
{
    private static readonly byte[] s_line = "MAIL FROM:<alice@example.test> BODY=8BITMIME\r\n"u8.ToArray();

    private static (LmtpLineStatus Status, string Line, long Consumed) Read(ref LmtpLineReader lines, ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        var status = lines.TryRead(ref reader, out var line);
        return (status, Encoding.UTF8.GetString(line), reader.Consumed);
    }

    [Fact]
    public void EveryPrefixOfALineIsIncompleteAndConsumesNothing()
    {
        for (int n = 0; n < s_line.Length; n++)
        {
            var lines = new LmtpLineReader(512);
            var (status, _, consumed) = Read(ref lines, new ReadOnlySequence<byte>(s_line, 0, n));
            Assert.Equal(LmtpLineStatus.NeedMore, status);
            Assert.Equal(0, consumed);
        }
    }

    [Fact]
    public void ALineSplitIntoOneByteSegmentsReadsWhole()
    {
        var lines = new LmtpLineReader(512);
        var (status, line, consumed) = Read(ref lines, Segments.OneBytePerSegment([.. s_line, .. "RCPT"u8]));
        Assert.Equal(LmtpLineStatus.Line, status);
        Assert.Equal("MAIL FROM:<alice@example.test> BODY=8BITMIME", line);
        Assert.Equal(s_line.Length, consumed);
    }

    [Fact]
    public void ABareLfEndsACommandLineToo()
    {
        var lines = new LmtpLineReader(512);
        Assert.Equal((LmtpLineStatus.Line, "NOOP", 5L), Read(ref lines, new ReadOnlySequence<byte>("NOOP\nQUIT\r\n"u8.ToArray())));
    }

    [Fact]
    public void ALineLongerThanTheLimitIsDroppedAsItComesAndReportedOnceAtItsEnd()
    {
        // Emulates the pipe: unconsumed bytes stay and new ones are appended, 300 at a time.
        var lines = new LmtpLineReader(512);
        var input = Encoding.ASCII.GetBytes("NOOP " + new string('x', 2000) + "\r\nNOOP\r\n");
        var pending = new List<byte>();
        var results = new List<LmtpLineStatus>();
        int maxHeld = 0;
        for (int fed = 0; fed < input.Length; fed += 300)
        {
            pending.AddRange(input.Skip(fed).Take(300));
            maxHeld = Math.Max(maxHeld, pending.Count);
            while (true)
            {
                var (status, _, consumed) = Read(ref lines, new ReadOnlySequence<byte>(pending.ToArray()));
                pending.RemoveRange(0, (int)consumed);
                if (status == LmtpLineStatus.NeedMore)
                {
                    break;
                }

                results.Add(status);
            }
        }

        Assert.Equal([LmtpLineStatus.TooLong, LmtpLineStatus.Line], results);
        Assert.True(maxHeld < 512 + 300, $"held {maxHeld} bytes of an over-long line");
        Assert.Empty(pending);
    }

    [Fact]
    public void ALineJustAtTheLimitIsAcceptedAndOneByteMoreIsNot()
    {
        var atLimit = Encoding.ASCII.GetBytes("NOOP " + new string('x', 512 - 7) + "\r\n");
        Assert.Equal(512, atLimit.Length);
        var lines = new LmtpLineReader(512);
        Assert.Equal(LmtpLineStatus.Line, Read(ref lines, new ReadOnlySequence<byte>(atLimit)).Status);
        var over = Encoding.ASCII.GetBytes("NOOP " + new string('x', 512 - 6) + "\r\n");
        Assert.Equal(LmtpLineStatus.TooLong, Read(ref lines, new ReadOnlySequence<byte>(over)).Status);
    }

    [Theory]
    [InlineData("FROM:<alice@example.test>", true, "alice@example.test")]
    [InlineData("FROM: <alice@example.test> SIZE=10", true, "alice@example.test")]
    [InlineData("FROM:<>", true, "")]
    [InlineData("FROM:<@relay.example,@b.example:alice@example.test>", true, "alice@example.test")]
    [InlineData("FROM:<\"odd > name\"@example.test>", true, "\"odd > name\"@example.test")]
    [InlineData("FROM:alice@example.test", false, "")]
    [InlineData("FROM:<alice@example.test", false, "")]
    [InlineData("FROM:<alice>", false, "")]
    [InlineData("FROM:<alice@exa mple.test>", false, "")]
    [InlineData("FROM:<alice@example.test>SIZE=1", false, "")]
    [InlineData("TO:<alice@example.test>", false, "")]
    public void MailPathsParseAsRfc5321Says(string argument, bool ok, string address)
    {
        Assert.Equal(ok, LmtpPath.TryParse(argument, "FROM:", allowEmpty: true, out var path, out _));
        if (ok)
        {
            Assert.Equal(address, path!.Address);
        }
    }
}
