namespace MailFilter.Mime;

/// <summary>Where a parsed entity's pieces are in its source (absolute offsets).</summary>
internal sealed class EntityLayout
{
    public EntityLayout(MimeSource source, long offset, long bodyOffset, long end, byte[] separator)
    {
        Source = source;
        Offset = offset;
        BodyOffset = bodyOffset;
        End = end;
        Separator = separator;
    }

    public MimeSource Source { get; }

    /// <summary>First byte of the entity (its envelope line or first header).</summary>
    public long Offset { get; }

    /// <summary>First byte after the header block and its empty line.</summary>
    public long BodyOffset { get; }

    /// <summary>One past the last byte of the entity.</summary>
    public long End { get; }

    /// <summary>The empty line that ended the header block (empty when it was missing).</summary>
    public byte[] Separator { get; }

    /// <summary>The mbox "From " line that came before the first header, if any.</summary>
    public byte[]? EnvelopeLine { get; init; }
}
