using System.Text;

namespace MailFilter.Messages.Tests;

public class StrictBase64DecoderTests
{
    private static byte[]? Decode(string text, int chunk)
    {
        var decoder = new StrictBase64Decoder();
        var input = Encoding.ASCII.GetBytes(text);
        var output = new List<byte>();
        var buffer = new byte[StrictBase64Decoder.MaxOutput(chunk)];
        for (int i = 0; i < input.Length; i += chunk)
        {
            int n = decoder.Decode(input.AsSpan(i, Math.Min(chunk, input.Length - i)), buffer);
            if (n < 0)
            {
                return null;
            }

            output.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        return decoder.Finish() ? output.ToArray() : null;
    }

    [Fact]
    public void EveryLengthRoundTripsInAnyChunkingWithCrlfOrLfLines()
    {
        var random = new Random(5);
        foreach (int length in new[] { 0, 1, 2, 3, 56, 57, 58, 200, 1000, 200_001 })
        {
            var data = new byte[length];
            random.NextBytes(data);
            var b64 = Convert.ToBase64String(data, Base64FormattingOptions.InsertLineBreaks) + "\r\n";
            // Chunks that end mid-line and mid-quantum, as a 64 KiB read of a carrier does, then whole lines again.
            int[] chunks = length > 10_000 ? [4093, 65536] : [1, 2, 3, 7, 76, 4096];
            foreach (int chunk in chunks)
            {
                Assert.Equal(data, Decode(b64, chunk));
                Assert.Equal(data, Decode(b64.Replace("\r\n", "\n", StringComparison.Ordinal), chunk));
            }
        }
    }

    [Theory]
    [InlineData("QUJD\r\nRA=\r\n")]   // "xx=" is not a padded quantum
    [InlineData("QUJDRA")]            // padding missing
    [InlineData("QUJDR")]             // a dangling character
    [InlineData("QUJD RA==")]         // white space inside
    [InlineData("QUJDRA==QQ==")]      // data after the padding
    [InlineData("QUJD\rRA==")]        // a bare CR
    [InlineData("QUJDRB==")]          // non-zero unused bits (not canonical)
    [InlineData("QU*D")]              // outside the alphabet
    [InlineData("QUJD    QUJD\r\nRA==\r\n")] // the same on a whole line of complete quanta (the fast path)
    [InlineData("QUJD\tQUJ\r\nRA==\r\n")]
    [InlineData("QU*DQUJD\r\nRA==\r\n")]
    [InlineData("QUJDQUJD\r\r\nRA==\r\n")]
    [InlineData("QUJDRA==\r\nQUJD\r\n")] // a line after the padded one
    [InlineData("QUJDRA=\r\n=")]      // padding split by a line break is fine...
    public void NonStrictInputIsRefused(string text)
    {
        if (text == "QUJDRA=\r\n=")
        {
            Assert.Equal("ABCD"u8.ToArray(), Decode(text, 1)); // ...as RFC 2045 §6.8 ignores line breaks anywhere
            return;
        }

        Assert.Null(Decode(text, 1));
        Assert.Null(Decode(text, 100));
    }
}
