using System.Text;

namespace MailFilter.Mime;

/// <summary>
/// Decides how an entity's body is read from its first Content-Type and Content-Transfer-Encoding fields. Shared by
/// the reader and the entity tree so both always agree.
/// </summary>
internal static class BodyRules
{
    public static ContentType GetContentType(byte[]? rawValue, bool defaultIsMessage)
    {
        if (rawValue is null)
        {
            return defaultIsMessage ? ContentType.MessageDefault() : ContentType.TextPlainDefault();
        }

        return ContentType.ParseLenient(Encoding.Latin1.GetString(rawValue));
    }

    /// <summary>The body kind, the multipart delimiter ("--" + boundary) and a defect, ignoring depth and part limits.</summary>
    public static MimeBodyKind Decide(ContentType contentType, byte[]? transferEncoding, out byte[]? delimiter, out MimeDefectKind defect)
    {
        delimiter = null;
        defect = 0;
        if (contentType.MediaType == "multipart")
        {
            var parameter = contentType.Parameters.Find("boundary");
            var boundary = (parameter?.Latin1Value ?? parameter?.Value)?.TrimEnd();
            if (boundary is null)
            {
                defect = MimeDefectKind.MissingBoundaryParameter;
                return MimeBodyKind.Leaf;
            }

            // A plain value is Latin-1 text (one char per raw byte), so its bytes are what the delimiter lines carry;
            // an RFC 2231 value is decoded text, written back as UTF-8.
            var bytes = boundary.Any(c => c > 0xFF) ? Encoding.UTF8.GetBytes(boundary) : Encoding.Latin1.GetBytes(boundary);
            delimiter = new byte[bytes.Length + 2];
            delimiter[0] = (byte)'-';
            delimiter[1] = (byte)'-';
            bytes.CopyTo(delimiter, 2);
            return MimeBodyKind.Multipart;
        }

        // message/delivery-status is a list of header blocks (RFC 3464 §2.1), not an entity.
        if (contentType.MediaType == "message" && contentType.MediaSubtype != "delivery-status")
        {
            var encoding = ContentEncodings.Parse(transferEncoding is null ? null : Encoding.Latin1.GetString(transferEncoding));
            if (encoding is ContentEncoding.Base64 or ContentEncoding.QuotedPrintable)
            {
                // RFC 2046 §5.2.1: message/rfc822 may only be 7bit, 8bit or binary; an encoded one is opaque content.
                defect = MimeDefectKind.EncodedMessage;
                return MimeBodyKind.Leaf;
            }

            return MimeBodyKind.Message;
        }

        return MimeBodyKind.Leaf;
    }
}
