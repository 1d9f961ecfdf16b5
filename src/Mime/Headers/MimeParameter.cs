namespace MailFilter.Mime;

/// <summary>One Content-Type / Content-Disposition parameter, after RFC 2231 continuations and charsets are applied.</summary>
public sealed record MimeParameter(string Name, string Value)
{
    /// <summary>The RFC 2231 charset the value was declared in, if any.</summary>
    public string? Charset { get; init; }

    /// <summary>The RFC 2231 language tag, if any.</summary>
    public string? Language { get; init; }

    /// <summary>For a plain (non RFC 2231) value read from input: the value's raw bytes as Latin-1 text.</summary>
    internal string? Latin1Value { get; init; }
}
