using System.Buffers;
using System.Text;
using MailFilter.Filter.Delivery.Lmtp;

namespace MailFilter.Filter.Tests.Delivery;

public class LmtpDataReaderTests
{
    private sealed class Sink : IContentSink
    {
        public List<byte> Bytes { get; } = [];

        public void Append(ReadOnlySpan<byte> data) => Bytes.AddRange(data.ToArray());
    }

    /// <summary>Feeds <paramref name="wire"/> as a pipe would (unconsumed bytes stay, new ones arrive in <paramref name="chunk"/>s).</summary>
    private static (bool Complete, byte[] Content, int Left) Feed(byte[] wire, int chunk)
    {
        var data = new LmtpDataReader();
        var sink = new Sink();
        var pending = new List<byte>();
        for (int fed = 0; fed < wire.Length; fed += chunk)
        {
            pending.AddRange(wire.Skip(fed).Take(chunk));
            var reader = new SequenceReader<byte>(Segments.OneBytePerSegment([.. pending]));
            var status = data.Read(ref reader, sink);
            pending.RemoveRange(0, (int)reader.Consumed);
            if (status == LmtpDataStatus.Complete)
            {
                Assert.Equal(sink.Bytes.Count, data.Length);
                return (true, [.. sink.Bytes], pending.Count + Math.Max(0, wire.Length - fed - chunk));
            }
        }

        return (false, [.. sink.Bytes], pending.Count);
    }

    [Fact]
    public void DotStuffingIsRemovedAndTheEndLineFoundWhateverTheChunking()
    {
        var wire = "Subject: x\r\n\r\n..leading dot\r\n..\r\n...\r\nlast\r\n.\r\nNOOP\r\n"u8.ToArray();
        var expected = "Subject: x\r\n\r\n.leading dot\r\n.\r\n..\r\nlast\r\n"u8.ToArray();
        foreach (int chunk in new[] { 1, 2, 3, 5, 1000 })
        {
            var (complete, content, rest) = Feed(wire, chunk);
            Assert.True(complete, $"chunk {chunk}");
            Assert.Equal(expected, content);
            Assert.Equal("NOOP\r\n".Length, rest);
        }
    }

    [Fact]
    public void EveryPrefixOfTheEndIsIncomplete()
    {
        var wire = "a\r\n.\r\n"u8.ToArray();
        for (int n = 0; n < wire.Length; n++)
        {
            Assert.False(Feed(wire[..n], 1).Complete);
        }

        Assert.True(Feed(wire, 1).Complete);
    }

    [Theory]
    [InlineData("a\n.\nb\r\n.\r\n", "a\n.\nb\r\n")]          // bare LF never makes a line start ("SMTP smuggling")
    [InlineData("a\r.\rb\r\n.\r\n", "a\r.\rb\r\n")]          // nor a bare CR
    [InlineData("a\r\n.\nb\r\n.\r\n", "a\r\n\nb\r\n")]        // ".\n" is not the end: the dot is unstuffed
    [InlineData(".\r\n", "")]                                  // an empty message
    public void OnlyCrlfDotCrlfEndsTheMessage(string wire, string content)
    {
        var (complete, bytes, _) = Feed(Encoding.ASCII.GetBytes(wire), 1);
        Assert.True(complete);
        Assert.Equal(content, Encoding.ASCII.GetString(bytes));
    }

    [Fact]
    public void AMessageCutOffBeforeItsEndIsNeverComplete()
    {
        var (complete, content, _) = Feed("line one\r\nline two\r"u8.ToArray(), 4);
        Assert.False(complete);
        Assert.Equal("line one\r\nline two", Encoding.ASCII.GetString(content)); // the final CR is held back
    }
}
