namespace MailFilter.Mime;

/// <summary>Content-Transfer-Encoding values (RFC 2045 §6.1), plus uuencode which real mail still carries.</summary>
public enum ContentEncoding
{
    /// <summary>No Content-Transfer-Encoding field (7bit by RFC 2045 §6.1), or an unknown value: the bytes are the content.</summary>
    Default = 0,
    SevenBit,
    EightBit,
    Binary,
    Base64,
    QuotedPrintable,
    /// <summary>x-uuencode and its spellings.</summary>
    UUEncode,
}
