using System.Text;

namespace MailFilter.Mime.Tests;

/// <summary>Each limit in <see cref="MimeOptions"/>: past it the rest is opaque, the defect is recorded, the bytes still round-trip.</summary>
public class LimitTests
{
    [Fact]
    public void DepthLimitTurnsTheEntityAtTheLimitIntoAnOpaqueLeaf()
    {
        var data = Build.NestedMultiparts(30);
        using var message = MimeMessage.Load(data, new MimeOptions { MaxDepth = 10 });
        var deepest = message.Entities.Max(e => e.Depth);
        Assert.Equal(10, deepest);
        var leaf = Assert.Single(message.LeafParts);
        Assert.Equal(10, leaf.Depth);
        Assert.Equal("multipart/mixed", leaf.ContentType.MimeType);
        Assert.Contains(leaf.Defects, d => d.Kind == MimeDefectKind.DepthLimitExceeded);
        AssertRoundTrip(message, data);
    }

    [Fact]
    public void PartLimitKeepsTheRestOfTheInputAsTheEpilogue()
    {
        var data = Build.ManyParts(50);
        using var message = MimeMessage.Load(data, new MimeOptions { MaxParts = 10 });
        Assert.Equal(10, message.Entities.Count());
        var root = Assert.IsType<Multipart>(message.Root);
        Assert.Equal(9, root.Count);
        Assert.Contains(root.Defects, d => d.Kind == MimeDefectKind.PartLimitExceeded);
        AssertRoundTrip(message, data);

        // The opaque rest survives a change elsewhere.
        message.Headers.Set("X-Test", "1");
        var written = message.ToArray();
        Assert.EndsWith("part 49\r\n--x--\r\n", Encoding.ASCII.GetString(written), StringComparison.Ordinal);
    }

    [Fact]
    public void HeaderCountLimitEndsTheHeaderBlockAndTheRestIsContent()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < 50; i++)
        {
            sb.Append("X-H").Append(i).Append(": v\r\n");
        }

        sb.Append("Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\nbody\r\n--x--\r\n");
        var data = Encoding.ASCII.GetBytes(sb.ToString());
        using var message = MimeMessage.Load(data, new MimeOptions { MaxHeaderCount = 10 });
        Assert.Equal(10, message.Headers.Count);
        var part = Assert.IsType<MimePart>(message.Root);
        Assert.Contains(part.Defects, d => d.Kind == MimeDefectKind.HeaderCountLimitExceeded);
        Assert.StartsWith("X-H10: v", Encoding.ASCII.GetString(part.GetDecodedBytes()), StringComparison.Ordinal);
        AssertRoundTrip(message, data);
    }

    [Fact]
    public void HeaderBytesLimitEndsTheHeaderBlockAtTheFieldThatWouldPassIt()
    {
        var big = "X-Big: " + string.Join("\r\n ", Enumerable.Repeat(new string('a', 70), 1000)) + "\r\n";
        var data = Encoding.ASCII.GetBytes("Subject: s\r\n" + big + "From: a@example.com\r\n\r\nbody\r\n");
        using var message = MimeMessage.Load(data, new MimeOptions { MaxHeaderBytes = 16 * 1024 });
        Assert.Single(message.Headers);
        var part = Assert.IsType<MimePart>(message.Root);
        Assert.Contains(part.Defects, d => d.Kind == MimeDefectKind.HeaderBytesLimitExceeded);
        AssertRoundTrip(message, data);

        using var generous = MimeMessage.Load(data);
        Assert.Equal(3, generous.Headers.Count);
        Assert.Empty(generous.Defects);
    }

    [Fact]
    public void LineLengthLimitEndsTheHeaderBlockAtALongerHeaderLine()
    {
        var data = Encoding.ASCII.GetBytes("Subject: " + new string('s', 5000) + "\r\nFrom: a@example.com\r\n\r\nbody\r\n");
        using var message = MimeMessage.Load(data, new MimeOptions { MaxLineLength = 1024 });
        Assert.Empty(message.Headers);
        Assert.Contains(message.Root.Defects, d => d.Kind == MimeDefectKind.LineLengthLimitExceeded);
        AssertRoundTrip(message, data);
    }

    [Fact]
    public void LineLengthLimitMakesALongerDelimiterLookingLineContent()
    {
        var padded = "--x" + new string(' ', 3000);
        var data = Encoding.ASCII.GetBytes("Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\none\r\n" + padded + "\r\n\r\ntwo\r\n--x--\r\n");
        using var strict = MimeMessage.Load(data, new MimeOptions { MaxLineLength = 1024 });
        Assert.Single(Assert.IsType<Multipart>(strict.Root).Children);
        using var lenient = MimeMessage.Load(data);
        Assert.Equal(2, Assert.IsType<Multipart>(lenient.Root).Count);
        AssertRoundTrip(strict, data);
    }

    [Fact]
    public void OptionsRefuseLimitsOutsideTheirRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MimeOptions { MaxDepth = MimeOptions.DepthCeiling + 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new MimeOptions { MaxParts = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new MimeOptions { MaxHeaderCount = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new MimeOptions { MaxHeaderBytes = 10 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new MimeOptions { MaxLineLength = 10 });
    }

    internal static void AssertRoundTrip(MimeMessage message, byte[] data)
    {
        Assert.True(message.ToArray().AsSpan().SequenceEqual(data), "round trip");
        using var ms = new MemoryStream();
        MimeWriter.WritePiecewise(message.Root, ms);
        Assert.True(ms.ToArray().AsSpan().SequenceEqual(data), "piecewise round trip");
    }
}
