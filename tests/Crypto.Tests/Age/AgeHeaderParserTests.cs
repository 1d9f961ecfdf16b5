using System.Text;
using MailFilter.Crypto.Age;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Tests.Support;

namespace MailFilter.Crypto.Tests.Age;

public sealed class AgeHeaderParserTests : IDisposable
{
    private readonly EnvelopeFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task EveryPrefixOfAHeaderIsIncompleteAndTheWholeHeaderParsesOnce()
    {
        var (envelope, _) = await _f.SealAsync(EnvelopeFixture.Message());
        int headerLength = envelope.AsSpan().IndexOf("\n--- "u8) + 1 + 47 + 1;
        for (int n = 0; n < headerLength; n++)
        {
            var parser = new AgeHeaderParser(AgeLimits.Envelope);
            Assert.False(parser.TryParse(envelope.AsSpan(0, n), endOfInput: false, out _));
        }

        // Fed one more byte at a time, as a slow socket would.
        var incremental = new AgeHeaderParser(AgeLimits.Envelope);
        AgeHeader? header = null;
        for (int n = 1; n <= envelope.Length && header is null; n++)
        {
            incremental.TryParse(envelope.AsSpan(0, n), endOfInput: false, out header);
        }

        Assert.NotNull(header);
        Assert.Equal(headerLength, header.Bytes.Length);
        Assert.Equal(3, header.Stanzas.Count);
        Assert.Equal(KeyHint.StanzaType, header.Stanzas[2].Type);
    }

    [Fact]
    public async Task AnEnvelopeReadOneByteAtATimeOpens()
    {
        var content = EnvelopeFixture.Message(new string('q', 200_000) + "\r\n");
        var (envelope, _) = await _f.SealAsync(content);
        using var spool = new MemoryStream();
        await _f.Opener().OpenAsync(new OneByteStream(envelope), spool, EnvelopeFixture.For(_f.Carol));
        Assert.Equal(content, spool.ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(63)]
    [InlineData(48)]
    [InlineData(49)]
    [InlineData(200)]
    public void StanzaBodiesOfAnyLengthRoundTrip(int length)
    {
        // 48 bytes are exactly one 64-column line, so that body ends with an empty line (age v1).
        using var fileKey = MailFilter.Crypto.Keys.FileKey.Generate();
        var body = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
        var header = AgeHeaderWriter.Write([new AgeStanza("test", ["a", "b"], body)], fileKey);
        var parser = new AgeHeaderParser(AgeLimits.Envelope);
        Assert.True(parser.TryParse(header, endOfInput: true, out var parsed));
        Assert.Equal(body, parsed!.Stanzas[0].Body);
        Assert.Equal(["a", "b"], parsed.Stanzas[0].Arguments);
        Assert.All(Encoding.ASCII.GetString(header).Split('\n'), line => Assert.True(line.Length <= 64 || line.StartsWith("->", StringComparison.Ordinal)));
    }

    private sealed class OneByteStream(byte[] data) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 1)], cancellationToken);
    }
}
