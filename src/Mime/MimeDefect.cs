namespace MailFilter.Mime;

/// <summary>A defect found while reading, with the absolute byte offset where it was noticed.</summary>
public readonly record struct MimeDefect(MimeDefectKind Kind, long Offset)
{
    public override string ToString() => $"{Kind}@{Offset}";
}
