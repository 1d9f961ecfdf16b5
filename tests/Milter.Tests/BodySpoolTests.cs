namespace MailFilter.Milter.Tests;

public class BodySpoolTests
{
    [Fact]
    public void SmallBodiesStayInMemory()
    {
        using var spool = new BodySpool(1024, Path.GetTempPath());
        spool.Append("hello\r\n"u8);
        Assert.False(spool.IsOnDisk);
        using var reader = new StreamReader(spool.OpenRead());
        Assert.Equal("hello\r\n", reader.ReadToEnd());
    }

    [Fact]
    public void LargeBodiesMoveToAnUnlinkedFileWithTheSameContent()
    {
        var dir = Directory.CreateTempSubdirectory("spooltest").FullName;
        try
        {
            var data = new byte[300_000];
            new Random(7).NextBytes(data);
            using var spool = new BodySpool(100_000, dir);
            for (int i = 0; i < data.Length; i += 65535)
            {
                spool.Append(data.AsSpan(i, Math.Min(65535, data.Length - i)));
            }

            Assert.True(spool.IsOnDisk);
            Assert.Empty(Directory.GetFiles(dir)); // unlinked at once: nothing left behind on a crash
            Assert.Equal(data.Length, spool.Length);
            using var ms = new MemoryStream();
            spool.OpenRead().CopyTo(ms);
            Assert.Equal(data, ms.ToArray());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void LineByLineAppendsOnDiskAreGatheredAndEveryReadSeesAllThatWasAppended()
    {
        var data = new byte[1_000_000];
        new Random(11).NextBytes(data);
        using var spool = new BodySpool(10_000, Path.GetTempPath());
        var random = new Random(3);
        int at = 0;
        while (at < data.Length)
        {
            // Lines of 0 to 200 bytes, now and then one larger than the gathering buffer.
            int n = Math.Min(data.Length - at, random.Next(50) == 0 ? 70_000 + random.Next(70_000) : random.Next(201));
            spool.Append(data.AsSpan(at, n));
            at += n;
            if (random.Next(500) == 0)
            {
                // A read between appends sees everything appended so far.
                using var partial = new MemoryStream();
                spool.OpenRead().CopyTo(partial);
                Assert.Equal(data.AsSpan(0, at).ToArray(), partial.ToArray());
            }
        }

        Assert.True(spool.IsOnDisk);
        Assert.Equal(data.Length, spool.Length);
        using var copy = new MemoryStream();
        using (var reader = spool.OpenRead())
        {
            reader.Position = 123_456;
            reader.CopyTo(copy);
        }

        Assert.Equal(data.AsSpan(123_456).ToArray(), copy.ToArray());
    }

    [Fact]
    public void ReadersAreIndependentAndSeekable()
    {
        using var spool = new BodySpool(1 << 20, Path.GetTempPath());
        var data = Enumerable.Range(0, 10_000).Select(i => (byte)i).ToArray();
        spool.Append(data);
        using var a = spool.OpenRead();
        using var b = spool.OpenRead();
        a.Position = 5000;
        Assert.Equal(data[5000], (byte)a.ReadByte());
        Assert.Equal(data[0], (byte)b.ReadByte());
    }
}
