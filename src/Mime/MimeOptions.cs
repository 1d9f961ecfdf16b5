namespace MailFilter.Mime;

/// <summary>
/// Limits and switches for reading MIME. Every limit degrades predictably: past it the engine stops
/// interpreting structure and keeps the remaining bytes as opaque content (so the message still
/// round-trips byte for byte), records a <see cref="MimeDefect"/>, and never recurses or buffers
/// beyond the limit.
/// </summary>
public sealed record MimeOptions
{
    /// <summary>The defaults: generous for real mail (the corpus never reaches them), small enough for hostile input.</summary>
    public static MimeOptions Default { get; } = new();

    /// <summary>Hard ceiling for <see cref="MaxDepth"/>: the writer recurses once per level.</summary>
    public const int DepthCeiling = 1024;

    private readonly int _maxDepth = 64;
    private readonly int _maxParts = 10_000;
    private readonly int _maxHeaderCount = 1_000;
    private readonly int _maxHeaderBytes = 256 * 1024;
    private readonly int _maxLineLength = 64 * 1024;

    /// <summary>
    /// Deepest nesting of entities (the root is depth 0). A multipart or message/* entity at this depth is
    /// read as a leaf whose content is opaque.
    /// </summary>
    public int MaxDepth { get => _maxDepth; init => _maxDepth = Check(value, 1, DepthCeiling); }

    /// <summary>Most entities in one message. When reached, the rest of the input is kept as the epilogue of the
    /// multipart being read, unparsed.</summary>
    public int MaxParts { get => _maxParts; init => _maxParts = Check(value, 1, int.MaxValue); }

    /// <summary>Most header fields in one entity. Past it the header block ends and the rest of the entity is opaque content.</summary>
    public int MaxHeaderCount { get => _maxHeaderCount; init => _maxHeaderCount = Check(value, 1, int.MaxValue); }

    /// <summary>Most bytes in one entity's header block (a single field can not be larger). Past it the header
    /// block ends and the rest of the entity is opaque content.</summary>
    public int MaxHeaderBytes { get => _maxHeaderBytes; init => _maxHeaderBytes = Check(value, 1024, 1 << 30); }

    /// <summary>
    /// Longest line the reader looks at as a whole: a header line, or a body line that starts with "--" and so might
    /// be a boundary. A longer header line ends the header block (the rest is opaque content); a longer "--" line is
    /// content. Body lines are otherwise never buffered, whatever their length.
    /// </summary>
    public int MaxLineLength { get => _maxLineLength; init => _maxLineLength = Check(value, 256, 1 << 30); }

    private static int Check(int value, int min, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, min);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, max);
        return value;
    }
}
