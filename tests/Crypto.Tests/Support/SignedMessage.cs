using System.Text;
using MailFilter.Crypto.Signature;

namespace MailFilter.Crypto.Tests.Support;

/// <summary>A message as header fields and a body, the shape the signature header API takes.</summary>
internal sealed record SignedMessage(List<HeaderField> Headers, byte[] Body)
{
    public static SignedMessage Sample() => new(
        [
            HeaderField.FromString("From", " Alice <alice@example.org>"),
            HeaderField.FromString("To", " Bob <bob@example.net>,\r\n carol@example.com"),
            HeaderField.FromString("Subject", " Quarterly numbers"),
            HeaderField.FromString("Date", " Thu, 09 Oct 2025 08:53:20 +0000"),
            HeaderField.FromString("Message-ID", " <m1@example.org>"),
            HeaderField.FromString("MIME-Version", " 1.0"),
            HeaderField.FromString("Content-Type", " text/plain; charset=utf-8"),
        ],
        Encoding.UTF8.GetBytes("Hello Bob,\r\n\r\nthe numbers  are\tin.\r\n\r\n-- \r\nAlice\r\n"));

    public SignedMessage With(HeaderField signature) => this with { Headers = [signature, .. Headers] };

    public SignedMessage Replace(string name, string value) =>
        this with { Headers = Headers.Select(h => h.HasName(name) ? HeaderField.FromString(h.Name, value) : h).ToList() };

    public byte[] ToBytes()
    {
        var output = new MemoryStream();
        foreach (var h in Headers)
        {
            output.Write(Encoding.ASCII.GetBytes(h.Name + ":"));
            output.Write(h.RawValue.Span);
            output.Write("\r\n"u8);
        }

        output.Write("\r\n"u8);
        output.Write(Body);
        return output.ToArray();
    }
}
