namespace MailFilter.Mime;

/// <summary>
/// One thing the <see cref="MimeReader"/> found: its kind, where it is (absolute <see cref="Offset"/> and
/// <see cref="Length"/> in bytes; the bytes are the first <see cref="Length"/> bytes of the buffer passed to the
/// read call that returned it) and the nesting depth of the entity it belongs to.
/// </summary>
public readonly record struct MimeEvent(
    MimeEventKind Kind,
    long Offset,
    int Length,
    int Depth,
    MimeBodyKind BodyKind = MimeBodyKind.None,
    MimeDefectKind Defect = 0)
{
    public override string ToString()
    {
        var extra = Kind switch
        {
            MimeEventKind.HeadersEnd => " " + BodyKind,
            MimeEventKind.Defect => " " + Defect,
            _ => string.Empty,
        };
        return $"{Kind}@{Offset}+{Length} d{Depth}{extra}";
    }
}
