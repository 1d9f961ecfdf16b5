namespace MailFilter.Mime;

/// <summary>
/// A message: its root entity plus the source its bytes stay in. Read one from a stream (a seekable one, such as the
/// milter's spool file, is used in place; anything else is first copied to a temporary file), change it through the
/// entity API, and write it: untouched parts are copied byte for byte. Dispose it to release the source.
/// </summary>
public sealed class MimeMessage : IDisposable
{
    private readonly MimeSource? _source;
    private readonly bool _ownsSource;
    private MimeEntity _root;

    /// <summary>A new message around a built root entity.</summary>
    public MimeMessage(MimeEntity root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (root.Parent is not null)
        {
            throw new InvalidOperationException("The root entity is part of another entity; detach it first.");
        }

        _root = root;
    }

    internal MimeMessage(MimeEntity root, MimeSource? source, byte[]? mboxFromLine = null)
    {
        _root = root;
        _source = source;
        _ownsSource = mboxFromLine is null; // the messages of an mbox file share its source; MboxFile disposes it
        MboxFromLine = mboxFromLine;
    }

    /// <summary>The root entity; its headers are the message headers.</summary>
    public MimeEntity Root
    {
        get => _root;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Parent is not null)
            {
                throw new InvalidOperationException("The root entity is part of another entity; detach it first.");
            }

            _root = value;
            RootReplaced = true;
        }
    }

    public HeaderList Headers => _root.Headers;

    /// <summary>For a message read from an mbox file: its "From " separator line (not part of the message).</summary>
    public ReadOnlyMemory<byte>? MboxFromLine { get; }

    public bool IsModified => RootReplaced || _root.IsModified;

    private bool RootReplaced { get; set; }

    /// <summary>The Subject, RFC 2047 decoded.</summary>
    public string? Subject => Headers.Find("Subject")?.DecodedValue;

    public IReadOnlyList<InternetAddress> From => AddressField("From");

    public IReadOnlyList<InternetAddress> To => AddressField("To");

    public IReadOnlyList<InternetAddress> Cc => AddressField("Cc");

    /// <summary>The Date field, when it parses (RFC 5322 §3.3, obsolete forms included).</summary>
    public DateTimeOffset? Date => Headers.Find("Date") is { } h && DateParser.TryParse(h.Value, out var d) ? d : null;

    public string? MessageId => Headers.Find("Message-ID")?.Value;

    /// <summary>Every entity in document order.</summary>
    public IEnumerable<MimeEntity> Entities => _root.Descendants();

    /// <summary>Every leaf part in document order (message/rfc822 parts are descended into).</summary>
    public IEnumerable<MimePart> LeafParts => _root.Descendants().OfType<MimePart>();

    /// <summary>Leaf parts the sender meant as attachments (see <see cref="MimeEntity.IsAttachment"/>).</summary>
    public IEnumerable<MimePart> Attachments => LeafParts.Where(p => p.IsAttachment);

    /// <summary>Every defect recorded anywhere in the tree.</summary>
    public IEnumerable<MimeDefect> Defects => _root.Descendants().SelectMany(e => e.Defects);

    /// <summary>Reads a message from a stream. A seekable stream is read in place and must stay open while the message is used.</summary>
    public static MimeMessage Load(Stream stream, MimeOptions? options = null, bool leaveOpen = true)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var source = stream.CanSeek ? new StreamSource(stream, leaveOpen) : Spool(stream, leaveOpen);
        var start = stream.CanSeek ? stream.Position : 0;
        return Load(source, start, source.Length, options ?? MimeOptions.Default, null);
    }

    public static MimeMessage Load(ReadOnlyMemory<byte> data, MimeOptions? options = null) =>
        Load(new MemorySource(data), 0, data.Length, options ?? MimeOptions.Default, null);

    internal static MimeMessage Load(MimeSource source, long start, long end, MimeOptions options, byte[]? mboxFromLine)
    {
        Charsets.EnsureRegistered();
        var root = MimeParser.Parse(source, start, end, options);
        return new MimeMessage(root, source, mboxFromLine);
    }

    /// <summary>Writes the message (without the mbox "From " line).</summary>
    public void WriteTo(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        MimeWriter.Write(_root, output);
    }

    public byte[] ToArray()
    {
        using var ms = new MemoryStream();
        WriteTo(ms);
        return ms.ToArray();
    }

    /// <summary>Finds leaf parts matching a predicate, in document order.</summary>
    public IEnumerable<MimePart> FindParts(Func<MimePart, bool> predicate) => LeafParts.Where(predicate);

    /// <summary>Replaces an entity anywhere in the tree (the root included) with another, keeping everything else as it was.</summary>
    public void Replace(MimeEntity existing, MimeEntity replacement)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(replacement);
        switch (existing.Parent)
        {
            case Multipart m:
                m.Replace(existing, replacement);
                break;
            case MessagePart p:
                p.Message = null;
                p.Message = replacement;
                break;
            case null when ReferenceEquals(existing, _root):
                Root = replacement;
                break;
            default:
                throw new ArgumentException("The entity is not in this message.", nameof(existing));
        }
    }

    /// <summary>Releases the source (closing the stream unless it was loaded with leaveOpen; a temporary spool file is deleted).</summary>
    public void Dispose()
    {
        if (_ownsSource)
        {
            _source?.Dispose();
        }
    }

    private IReadOnlyList<InternetAddress> AddressField(string name)
    {
        var list = new List<InternetAddress>();
        foreach (var h in Headers.FindAll(name))
        {
            list.AddRange(AddressParser.ParseList(h.Value));
        }

        return list;
    }

    private static StreamSource Spool(Stream stream, bool leaveOpen)
    {
        var path = Path.Combine(Path.GetTempPath(), "mailfilter-mime-" + Guid.NewGuid().ToString("N") + ".eml");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        stream.CopyTo(file);
        file.Position = 0;
        if (!leaveOpen)
        {
            stream.Dispose();
        }

        return new StreamSource(file, false);
    }
}
