using System.Security.Cryptography;
using System.Text;

namespace MailFilter.Messages.Tests;

public class Base64LineStreamTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(56)]
    [InlineData(57)]
    [InlineData(58)]
    [InlineData(57 * 840)]
    [InlineData((57 * 840) + 1)]
    [InlineData(300_001)]
    public async Task EveryLineIs76CharactersAndCrlfAndTheWholeDecodesBack(int length)
    {
        var data = RandomNumberGenerator.GetBytes(length);
        var output = new MemoryStream();
        var stream = new Base64LineStream(output);
        await stream.WriteAsync(data);
        await stream.CompleteAsync();

        string text = Encoding.ASCII.GetString(output.ToArray());
        Assert.Equal(length == 0 ? string.Empty : Convert.ToBase64String(data, Base64FormattingOptions.InsertLineBreaks) + "\r\n", text);
        var lines = text.Split("\r\n")[..^1];
        Assert.All(lines.SkipLast(1), l => Assert.Equal(76, l.Length));
        Assert.Equal(data, Convert.FromBase64String(string.Concat(lines)));
        Assert.Equal(length, stream.BytesWritten);
    }

    [Fact]
    public async Task WritesOfAnySizeSyncOrAsyncGiveTheSameLines()
    {
        var data = RandomNumberGenerator.GetBytes(200_000);
        string expected = Convert.ToBase64String(data, Base64FormattingOptions.InsertLineBreaks) + "\r\n";
        foreach (int chunk in new[] { 1, 3, 56, 57, 1000, 65536 })
        {
            foreach (bool sync in new[] { true, false })
            {
                var output = new MemoryStream();
                var stream = new Base64LineStream(output);
                for (int i = 0; i < data.Length; i += chunk)
                {
                    var piece = data.AsMemory(i, Math.Min(chunk, data.Length - i));
                    if (sync)
                    {
                        stream.Write(piece.Span);
                    }
                    else
                    {
                        await stream.WriteAsync(piece);
                    }
                }

                stream.Flush(); // a flush mid-line must not end the encoding
                await stream.CompleteAsync();
                Assert.Equal(expected, Encoding.ASCII.GetString(output.ToArray()));
            }
        }
    }

    [Fact]
    public async Task NothingIsAcceptedAfterCompletion()
    {
        var stream = new Base64LineStream(new MemoryStream());
        await stream.CompleteAsync();
        Assert.False(stream.CanWrite);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => stream.WriteAsync(new byte[1]).AsTask());
    }
}
