using System.Text;

namespace MailFilter.Mime;

/// <summary>
/// New content for a <see cref="MimePart"/>: where the decoded bytes come from and how to encode them when the
/// message is written. The bytes are read (and encoded) only while writing, so a large file is streamed.
/// </summary>
public sealed class MimeContent
{
    private readonly Func<Stream> _open;

    private MimeContent(Func<Stream> open, ContentEncoding encoding)
    {
        _open = open;
        Encoding = encoding;
    }

    /// <summary>How the content is written (base64 and quoted-printable in lines of at most 76 characters, CRLF).</summary>
    public ContentEncoding Encoding { get; }

    public static MimeContent FromBytes(byte[] data, ContentEncoding encoding = ContentEncoding.Base64)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new MimeContent(() => new MemoryStream(data, false), Check(encoding));
    }

    /// <summary>Content from a stream factory, opened once per write (e.g. a file in the attachment store).</summary>
    public static MimeContent FromStream(Func<Stream> open, ContentEncoding encoding = ContentEncoding.Base64)
    {
        ArgumentNullException.ThrowIfNull(open);
        return new MimeContent(open, Check(encoding));
    }

    /// <summary>Text content: encoded with <paramref name="charset"/> (UTF-8 by default), line breaks made CRLF.</summary>
    public static MimeContent FromText(string text, Encoding? charset = null, ContentEncoding encoding = ContentEncoding.QuotedPrintable)
    {
        ArgumentNullException.ThrowIfNull(text);
        var normalized = text.ReplaceLineEndings("\r\n");
        return FromBytes((charset ?? new UTF8Encoding(false)).GetBytes(normalized), encoding);
    }

    /// <summary>Opens the decoded bytes.</summary>
    public Stream OpenRead() => _open();

    private static ContentEncoding Check(ContentEncoding encoding) =>
        encoding is ContentEncoding.UUEncode or ContentEncoding.Default
            ? throw new ArgumentException("New content is written as 7bit, 8bit, binary, base64 or quoted-printable.", nameof(encoding))
            : encoding;
}
