namespace MailFilter.Mime;

/// <summary>One leaf part as <see cref="MimeDump"/> describes it: where it is, what it is, and its decoded content's length and SHA-256.</summary>
public sealed record LeafSummary(string Path, string ContentType, string? Charset, string? FileName, string Sha256, long Length);
