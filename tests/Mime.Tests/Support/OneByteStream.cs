namespace MailFilter.Mime.Tests;

/// <summary>A seekable stream that returns at most one byte per read (after MimeKit's ReadOneByteStream).</summary>
internal sealed class OneByteStream(byte[] data) : MemoryStream(data, false)
{
    public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));

    public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, 1)]);
}
