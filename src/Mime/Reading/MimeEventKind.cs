namespace MailFilter.Mime;

/// <summary>
/// What a <see cref="MimeEvent"/> reports. The bytes of consecutive events partition the input exactly: every
/// byte belongs to one event, in order, so the raw message is the concatenation of the events' bytes.
/// </summary>
public enum MimeEventKind : byte
{
    /// <summary>An entity begins (zero bytes). The root entity, a body part, or the message inside a message/* entity.</summary>
    EntityStart = 1,
    /// <summary>An mbox-style "From " line as the entity's first line (RFC 4155), with its line break.</summary>
    EnvelopeLine,
    /// <summary>One header field: the name, colon, value, folded lines and the final line break (RFC 5322 §2.2).</summary>
    Header,
    /// <summary>A line in the header block that is not a field. Kept for the round trip, ignored otherwise.</summary>
    InvalidHeaderLine,
    /// <summary>The empty line ending the header block (zero bytes when it is missing); <see cref="MimeEvent.BodyKind"/> says what follows.</summary>
    HeadersEnd,
    /// <summary>Bytes of a leaf's content (in any number of chunks).</summary>
    Content,
    /// <summary>Bytes of a multipart's preamble.</summary>
    Preamble,
    /// <summary>A delimiter line: the line break before it (RFC 2046 §5.1.1 gives it to the delimiter), "--", the boundary, padding and line break.</summary>
    Boundary,
    /// <summary>The close delimiter line, with the line break before it.</summary>
    CloseBoundary,
    /// <summary>Bytes after the close delimiter (or opaque bytes past <see cref="MimeOptions.MaxParts"/>).</summary>
    Epilogue,
    /// <summary>The line break at the end of the input that belongs to a close delimiter that never came (zero to two bytes).</summary>
    MissingBoundary,
    /// <summary>A defect noticed here (zero bytes); <see cref="MimeEvent.Defect"/> says which.</summary>
    Defect,
    /// <summary>The entity ends (zero bytes).</summary>
    EntityEnd,
}
