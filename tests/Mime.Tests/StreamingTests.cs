namespace MailFilter.Mime.Tests;

/// <summary>Messages are read from streams, not loaded whole; content is copied or decoded from the source.</summary>
public class StreamingTests
{
    [Fact]
    public void ANonSeekableStreamIsSpooledToATemporaryFileThatDisposeRemoves()
    {
        var data = Corpus.Get("postal-mime/mimetorture.eml").ReadAllBytes();
        var before = Directory.GetFiles(Path.GetTempPath(), "mailfilter-mime-*").Length;
        var message = MimeMessage.Load(new ForwardOnlyStream(data));
        Assert.Equal(before + 1, Directory.GetFiles(Path.GetTempPath(), "mailfilter-mime-*").Length);
        Assert.Equal(data, message.ToArray());
        message.Dispose();
        Assert.Equal(before, Directory.GetFiles(Path.GetTempPath(), "mailfilter-mime-*").Length);
    }

    [Fact]
    public void AStreamIsReadFromItsCurrentPosition()
    {
        var data = Corpus.Get("cpython/msg_02.txt").ReadAllBytes();
        var padded = new byte[100].Concat(data).ToArray();
        using var stream = new MemoryStream(padded);
        stream.Position = 100;
        using var message = MimeMessage.Load(stream);
        Assert.Equal(data, message.ToArray());
        Assert.Equal(100, message.Root.Offset);
    }

    [Fact]
    public void PartContentIsDecodedFromTheSourceOnDemandAndTheEncodedBytesAreTheOriginals()
    {
        var file = Corpus.Get("php-mime-mail-parser/issue274.eml");
        using var stream = File.OpenRead(file.FullPath);
        using var message = MimeMessage.Load(stream);
        var pdf = message.Attachments.Single(p => p.ContentType.Is("application", "pdf"));
        using var encoded = pdf.OpenEncodedStream();
        var raw = new byte[pdf.EncodedLength];
        encoded.ReadExactly(raw);
        var all = File.ReadAllBytes(file.FullPath);
        var at = all.AsSpan().IndexOf(raw);
        Assert.True(at > 0);
        Assert.Equal(Convert.FromBase64String(System.Text.Encoding.ASCII.GetString(raw).Replace("\r\n", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal)), pdf.GetDecodedBytes());
    }

    [Fact]
    public void DisposingOneMessageOfAnMboxFileLeavesTheOthersReadable()
    {
        var path = Corpus.Get("mimekit/mbox/simple.mbox.txt").FullPath;
        using var mbox = MboxFile.Load(File.OpenRead(path), leaveOpen: false);
        mbox.Messages[0].Dispose();
        Assert.NotEmpty(mbox.Messages[1].ToArray());
        using var ms = new MemoryStream();
        mbox.WriteTo(ms);
        Assert.Equal(File.ReadAllBytes(path), ms.ToArray());
    }

    private sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 1000));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
