namespace MailFilter.Mime;

/// <summary>
/// A node of the MIME tree: a <see cref="MimePart"/> (leaf), a <see cref="Multipart"/> or a <see cref="MessagePart"/>.
/// An entity read from input remembers where its bytes are; until it (or something inside it) changes, the writer
/// copies those bytes unchanged.
/// </summary>
public abstract class MimeEntity
{
    private ContentType? _contentType;
    private ContentDisposition? _disposition;
    private bool _dispositionRead;
    private List<MimeDefect>? _defects;
    private bool _modified;

    /// <summary>A new entity, built through the API.</summary>
    private protected MimeEntity()
    {
        Headers = new HeaderList { Changed = OnHeadersChanged };
        _modified = true;
    }

    /// <summary>An entity read from input.</summary>
    private protected MimeEntity(HeaderList headers, EntityLayout layout)
    {
        Headers = headers;
        Headers.Changed = OnHeadersChanged;
        Layout = layout;
    }

    public HeaderList Headers { get; }

    /// <summary>The multipart or message part this entity is in; null for a root or a detached entity.</summary>
    public MimeEntity? Parent { get; internal set; }

    /// <summary>Where the entity's bytes are in the source it was read from; null for a built entity.</summary>
    internal EntityLayout? Layout { get; }

    /// <summary>What was wrong with this entity's input (the engine read on regardless).</summary>
    public IReadOnlyList<MimeDefect> Defects => (IReadOnlyList<MimeDefect>?)_defects ?? [];

    /// <summary>True when this entity, or anything inside it, was changed or built (it will not be written from its raw bytes).</summary>
    public bool IsModified => _modified;

    /// <summary>Absolute offset of the entity's first byte in its source, or -1 for a built entity.</summary>
    public long Offset => Layout?.Offset ?? -1;

    /// <summary>Length in bytes of the entity as read (headers and body), or -1 for a built entity.</summary>
    public long RawLength => Layout is { } l ? l.End - l.Offset : -1;

    /// <summary>
    /// The Content-Type: from the first Content-Type field, or the default (text/plain; message/rfc822 inside
    /// multipart/digest, RFC 2046 §5.1.5). A field without a type/subtype pair reads as text/plain.
    /// </summary>
    public ContentType ContentType => _contentType ??= ReadContentType();

    /// <summary>The Content-Disposition (RFC 2183), or null when there is none.</summary>
    public ContentDisposition? ContentDisposition
    {
        get
        {
            if (!_dispositionRead)
            {
                _disposition = Headers.Find("Content-Disposition") is { } h ? ContentDisposition.ParseLenient(h.Latin1Value) : null;
                _dispositionRead = true;
            }

            return _disposition;
        }
    }

    /// <summary>The Content-Transfer-Encoding of the first such field (<see cref="ContentEncoding.Default"/> when missing or unknown).</summary>
    public ContentEncoding ContentTransferEncoding => ContentEncodings.Parse(Headers.Find("Content-Transfer-Encoding")?.Latin1Value);

    /// <summary>The file name: Content-Disposition filename, else Content-Type name (RFC 2231 and RFC 2047 decoded).</summary>
    public string? FileName => ContentDisposition?.FileName ?? ContentType.Name;

    /// <summary>
    /// True for a leaf the sender meant as an attachment: Content-Disposition attachment, or a file name without
    /// an inline disposition.
    /// </summary>
    public bool IsAttachment =>
        this is MimePart && (ContentDisposition?.IsAttachment == true || (FileName is not null && ContentDisposition?.IsInline != true));

    /// <summary>The entity and everything inside it, in document order (message/rfc822 parts are descended into).</summary>
    public IEnumerable<MimeEntity> Descendants()
    {
        var stack = new Stack<MimeEntity>();
        stack.Push(this);
        while (stack.Count > 0)
        {
            var e = stack.Pop();
            yield return e;
            switch (e)
            {
                case Multipart m:
                    for (var i = m.Children.Count - 1; i >= 0; i--)
                    {
                        stack.Push(m.Children[i]);
                    }

                    break;
                case MessagePart { Message: { } inner }:
                    stack.Push(inner);
                    break;
            }
        }
    }

    /// <summary>The number of enclosing entities (0 for a root).</summary>
    public int Depth
    {
        get
        {
            var d = 0;
            for (var p = Parent; p is not null; p = p.Parent)
            {
                d++;
            }

            return d;
        }
    }

    internal void AddDefect(MimeDefect defect) => (_defects ??= []).Add(defect);

    /// <summary>Marks this entity and every enclosing one modified, so the writer re-serialises the path to it.</summary>
    internal void MarkModified()
    {
        for (var e = this; e is not null; e = e.Parent)
        {
            e._modified = true;
        }
    }

    /// <summary>Removes this entity from its parent (a multipart or message part).</summary>
    public void Detach()
    {
        switch (Parent)
        {
            case Multipart m:
                m.Remove(this);
                break;
            case MessagePart p:
                p.DetachMessage();
                break;
        }
    }

    private protected virtual void OnHeadersChanged()
    {
        _contentType = null;
        _disposition = null;
        _dispositionRead = false;
        MarkModified();
    }

    private ContentType ReadContentType()
    {
        var header = Headers.Find("Content-Type");
        if (header is null)
        {
            return Parent is Multipart { IsDigest: true } ? ContentType.MessageDefault() : ContentType.TextPlainDefault();
        }

        return ContentType.ParseLenient(header.Latin1Value);
    }
}
