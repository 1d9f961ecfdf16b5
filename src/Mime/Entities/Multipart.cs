using System.Security.Cryptography;

namespace MailFilter.Mime;

/// <summary>
/// A multipart entity (RFC 2046 §5.1): preamble, body parts, epilogue. A parsed multipart keeps each part's
/// delimiter bytes, so replacing a part leaves the delimiters and every other part byte-identical; new parts get a
/// canonical delimiter line.
/// </summary>
public sealed class Multipart : MimeEntity
{
    private readonly List<Slot> _slots = [];
    private readonly ChildList _children;
    private readonly long _preambleEnd;
    private readonly long _trailerStart;
    private readonly bool _hasCloseDelimiter;
    private readonly string? _parsedBoundary;

    /// <summary>A new multipart/<paramref name="subtype"/> with a random boundary.</summary>
    public Multipart(string subtype = "mixed")
    {
        _children = new ChildList(_slots);
        var ct = new ContentType("multipart", subtype);
        ct.Parameters.Set("boundary", GenerateBoundary());
        Headers.Add("Content-Type", ct.ToString());
    }

    internal Multipart(HeaderList headers, EntityLayout layout, long preambleEnd, long trailerStart, bool hasCloseDelimiter, string? boundary)
        : base(headers, layout)
    {
        _children = new ChildList(_slots);
        _preambleEnd = preambleEnd;
        _trailerStart = trailerStart;
        _hasCloseDelimiter = hasCloseDelimiter;
        _parsedBoundary = boundary;
    }

    public IReadOnlyList<MimeEntity> Children => _children;

    public int Count => _slots.Count;

    public MimeEntity this[int index] => _slots[index].Entity;

    /// <summary>The boundary from the Content-Type field.</summary>
    public string? Boundary => ContentType.Boundary;

    public bool IsDigest => ContentType.MediaSubtype == "digest";

    /// <summary>True when the input had a close delimiter for this multipart.</summary>
    public bool HasCloseDelimiter => Layout is null || _hasCloseDelimiter;

    /// <summary>The bytes after the last part must be copied as they are (a close delimiter, or opaque bytes past a limit).</summary>
    internal bool KeepRawTrailer { get; init; }

    /// <summary>Offset of the first byte after the close delimiter line (the end, when there was none).</summary>
    internal long EpilogueStart { get; init; }

    /// <summary>The preamble as read (before the first delimiter, without the line break that belongs to it); empty for a built multipart.</summary>
    public byte[] Preamble => Layout is { } l ? Read(l.BodyOffset, _preambleEnd) : [];

    /// <summary>
    /// The epilogue as read (after the close delimiter line, up to the end of the entity; past <see cref="MimeOptions.MaxParts"/>
    /// the opaque rest); empty for a built multipart or one without a close delimiter.
    /// </summary>
    public byte[] Epilogue => Layout is { } l && KeepRawTrailer ? Read(_hasCloseDelimiter ? EpilogueStart : _trailerStart, l.End) : [];

    internal IReadOnlyList<Slot> Slots => _slots;

    internal long PreambleEnd => _preambleEnd;

    internal long TrailerStart => _trailerStart;

    /// <summary>True while the delimiter lines read from input still match the boundary in the Content-Type.</summary>
    internal bool RawDelimitersValid => Layout is not null && _parsedBoundary is not null && string.Equals(_parsedBoundary, RawBoundary(), StringComparison.Ordinal);

    public void Add(MimeEntity entity) => Insert(_slots.Count, entity);

    public void Insert(int index, MimeEntity entity)
    {
        Adopt(entity);
        _slots.Insert(index, new Slot(entity, -1, -1));
        MarkModified();
    }

    /// <summary>Puts <paramref name="replacement"/> where <paramref name="existing"/> was; the delimiter before it is kept.</summary>
    public void Replace(MimeEntity existing, MimeEntity replacement)
    {
        var index = _slots.FindIndex(s => ReferenceEquals(s.Entity, existing));
        if (index < 0)
        {
            throw new ArgumentException("The entity is not a part of this multipart.", nameof(existing));
        }

        Adopt(replacement);
        existing.Parent = null;
        _slots[index] = _slots[index] with { Entity = replacement };
        MarkModified();
    }

    public bool Remove(MimeEntity entity)
    {
        var index = _slots.FindIndex(s => ReferenceEquals(s.Entity, entity));
        if (index < 0)
        {
            return false;
        }

        RemoveAt(index);
        return true;
    }

    public void RemoveAt(int index)
    {
        var slot = _slots[index];
        slot.Entity.Parent = null;
        _slots.RemoveAt(index);
        MarkModified();
    }

    internal void AddParsed(MimeEntity entity, long delimiterStart, long delimiterEnd)
    {
        entity.Parent = this;
        _slots.Add(new Slot(entity, delimiterStart, delimiterEnd));
    }

    internal string? RawBoundary()
    {
        var p = ContentType.Parameters.Find("boundary");
        return (p?.Latin1Value ?? p?.Value)?.TrimEnd();
    }

    private byte[] Read(long start, long end)
    {
        var bytes = new byte[Math.Max(0, end - start)];
        if (bytes.Length > 0)
        {
            Layout!.Source.Read(start, bytes);
        }

        return bytes;
    }

    private void Adopt(MimeEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (entity.Parent is not null)
        {
            throw new InvalidOperationException("The entity is already part of another entity; detach it first.");
        }

        for (MimeEntity? p = this; p is not null; p = p.Parent)
        {
            if (ReferenceEquals(p, entity))
            {
                throw new InvalidOperationException("An entity can not contain itself.");
            }
        }

        entity.Parent = this;
    }

    /// <summary>A boundary no content is likely to contain (RFC 2046 §5.1.1: 1 to 70 characters, here 40).</summary>
    public static string GenerateBoundary() => "=_mf_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant() + "_";

    private sealed class ChildList(List<Slot> slots) : IReadOnlyList<MimeEntity>
    {
        public int Count => slots.Count;

        public MimeEntity this[int index] => slots[index].Entity;

        public IEnumerator<MimeEntity> GetEnumerator()
        {
            foreach (var s in slots)
            {
                yield return s.Entity;
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>One body part and the bytes of the delimiter line(s) before it in the source (-1 when new).</summary>
    internal readonly record struct Slot(MimeEntity Entity, long DelimiterStart, long DelimiterEnd);
}
