using System.Security.Cryptography;
using System.Text;

namespace MailFilter.Mime;

/// <summary>
/// A leaf entity: headers and content. Content read from input stays in the source and is copied or decoded from
/// there on demand; <see cref="SetContent"/> replaces it with new content encoded at write time.
/// </summary>
public sealed class MimePart : MimeEntity
{
    private readonly long _contentOffset;
    private readonly long _contentEnd;
    private MimeContent? _content;

    /// <summary>A new part with a Content-Type field.</summary>
    public MimePart(string mediaType, string mediaSubtype)
        : this(new ContentType(mediaType, mediaSubtype))
    {
    }

    public MimePart(ContentType contentType)
    {
        ArgumentNullException.ThrowIfNull(contentType);
        Headers.Add("Content-Type", contentType.ToString());
        _content = MimeContent.FromBytes([], ContentEncoding.SevenBit);
    }

    internal MimePart(HeaderList headers, EntityLayout layout, long contentOffset, long contentEnd)
        : base(headers, layout)
    {
        _contentOffset = contentOffset;
        _contentEnd = contentEnd;
    }

    /// <summary>New content set through the API; null while the part still has the content it was read with.</summary>
    public MimeContent? Content => _content;

    /// <summary>True while the content is the one read from input.</summary>
    public bool HasOriginalContent => _content is null;

    /// <summary>Length of the content as encoded in the message (-1 for new content, known only when written).</summary>
    public long EncodedLength => _content is null ? _contentEnd - _contentOffset : -1;

    internal long ContentOffset => _contentOffset;

    internal long ContentEnd => _contentEnd;

    /// <summary>
    /// Replaces the content. Sets Content-Transfer-Encoding to match (removing it for 7bit); other fields stay as they
    /// are, so set Content-Type and the file name separately if they change.
    /// </summary>
    public void SetContent(MimeContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        _content = content;
        if (content.Encoding == ContentEncoding.SevenBit)
        {
            Headers.RemoveAll("Content-Transfer-Encoding");
        }
        else
        {
            Headers.Set("Content-Transfer-Encoding", ContentEncodings.ToToken(content.Encoding));
        }

        MarkModified();
    }

    /// <summary>Sets the file name (Content-Disposition filename, and Content-Type name for older readers), RFC 2231 encoded when needed.</summary>
    public void SetFileName(string fileName, string disposition = MailFilter.Mime.ContentDisposition.Attachment)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        var cd = ContentDisposition ?? new ContentDisposition(disposition);
        var newCd = new ContentDisposition(cd.Disposition.Length > 0 ? cd.Disposition : disposition);
        foreach (var p in cd.Parameters)
        {
            if (!p.Name.Equals("filename", StringComparison.OrdinalIgnoreCase))
            {
                newCd.Parameters.Set(p.Name, p.Value);
            }
        }

        newCd.Parameters.Set("filename", fileName);
        Headers.Set("Content-Disposition", newCd.ToString());
        var ct = ContentType;
        var newCt = new ContentType(ct.MediaType, ct.MediaSubtype);
        foreach (var p in ct.Parameters)
        {
            newCt.Parameters.Set(p.Name, p.Value);
        }

        newCt.Parameters.Set("name", fileName);
        Headers.Set("Content-Type", newCt.ToString());
    }

    /// <summary>The content as it is encoded in the message (for new content: as it will be written).</summary>
    public Stream OpenEncodedStream()
    {
        if (_content is null)
        {
            return Layout!.Source.OpenRange(_contentOffset, _contentEnd - _contentOffset);
        }

        var ms = new MemoryStream();
        ContentWriter.WriteEncoded(_content, ms, ContentType.MediaType == "text");
        ms.Position = 0;
        return ms;
    }

    /// <summary>The decoded content, streamed from the source (base64, quoted-printable and uuencode decoded).</summary>
    public Stream OpenDecodedStream()
    {
        if (_content is not null)
        {
            return _content.OpenRead();
        }

        var raw = Layout!.Source.OpenRange(_contentOffset, _contentEnd - _contentOffset);
        return ContentTransferEncoding switch
        {
            ContentEncoding.Base64 when !IsDecodableBase64(raw) => new DecodingStream(raw, new LineBreakRemover()),
            ContentEncoding.Base64 => new DecodingStream(raw, new Base64Decoder()),
            ContentEncoding.QuotedPrintable => new DecodingStream(raw, new QuotedPrintableDecoder()),
            ContentEncoding.UUEncode => new DecodingStream(raw, new UUDecoder()),
            _ => raw,
        };
    }

    /// <summary>A pre-pass over the content in the source (streamed, nothing kept): see <see cref="Base64Decoder.IsDecodable"/>.</summary>
    private static bool IsDecodableBase64(Stream raw)
    {
        var ok = Base64Decoder.IsDecodable(raw);
        raw.Position = 0;
        return ok;
    }

    /// <summary>Copies the decoded content to <paramref name="destination"/>; returns its length.</summary>
    public long CopyDecodedTo(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var s = OpenDecodedStream();
        long total = 0;
        var buffer = new byte[81920];
        int n;
        while ((n = s.Read(buffer, 0, buffer.Length)) > 0)
        {
            destination.Write(buffer, 0, n);
            total += n;
        }

        return total;
    }

    public byte[] GetDecodedBytes()
    {
        using var ms = new MemoryStream();
        CopyDecodedTo(ms);
        return ms.ToArray();
    }

    /// <summary>Decoded length and SHA-256, computed in one streaming pass.</summary>
    public (long Length, byte[] Sha256) GetDecodedDigest()
    {
        using var s = OpenDecodedStream();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long total = 0;
        int n;
        while ((n = s.Read(buffer, 0, buffer.Length)) > 0)
        {
            hash.AppendData(buffer, 0, n);
            total += n;
        }

        return (total, hash.GetHashAndReset());
    }

    /// <summary>The decoded content as text, in the declared charset (UTF-8, else Latin-1, when none or unknown).</summary>
    public string GetText()
    {
        var bytes = GetDecodedBytes();
        var encoding = Charsets.GetEncoding(ContentType.Charset);
        return encoding is null ? HeaderText.Decode(bytes) : Charsets.GetString(encoding, bytes);
    }

    /// <summary>Text for new content in the given charset (default UTF-8), quoted-printable encoded, with the charset parameter set.</summary>
    public void SetText(string text, Encoding? charset = null)
    {
        var encoding = charset ?? new UTF8Encoding(false);
        var ct = ContentType;
        var newCt = new ContentType(ct.MediaType, ct.MediaSubtype);
        foreach (var p in ct.Parameters)
        {
            newCt.Parameters.Set(p.Name, p.Value);
        }

        newCt.Parameters.Set("charset", encoding.WebName);
        Headers.Set("Content-Type", newCt.ToString());
        SetContent(MimeContent.FromText(text, encoding));
    }
}
