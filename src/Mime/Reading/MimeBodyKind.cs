namespace MailFilter.Mime;

/// <summary>How the reader treats an entity's body, decided when its header block ends.</summary>
public enum MimeBodyKind : byte
{
    None = 0,
    /// <summary>Opaque content (a leaf).</summary>
    Leaf,
    /// <summary>A multipart/* body with a boundary: preamble, parts, epilogue (RFC 2046 §5.1).</summary>
    Multipart,
    /// <summary>A message/* body holding one entity (RFC 2046 §5.2).</summary>
    Message,
}
