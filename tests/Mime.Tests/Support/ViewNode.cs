namespace MailFilter.Mime.Tests;

/// <summary>One entity as the judge comparison sees it (the same fields the Python script prints).</summary>
internal sealed record ViewNode(int Depth, string Type, bool Leaf, string? FileName, long Length, string? Sha256)
{
    public override string ToString() =>
        $"{new string(' ', Depth * 2)}{Type}{(Leaf ? $" [{Length} bytes {Sha256?[..12]}]" : string.Empty)}{(FileName is null ? string.Empty : $" name=\"{FileName}\"")}";
}
