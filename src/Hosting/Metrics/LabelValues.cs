namespace MailFilter.Hosting.Metrics;

/// <summary>A metric's series are keyed by their label values themselves (ordinal, element by element), so recording
/// a value looks its series up without building a key string.</summary>
internal sealed class LabelValues : IEqualityComparer<string[]>
{
    public static LabelValues Comparer { get; } = new();

    public bool Equals(string[]? x, string[]? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y, StringComparer.Ordinal));

    public int GetHashCode(string[] values)
    {
        var hash = new HashCode();
        foreach (var v in values)
        {
            hash.Add(v, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <summary>The order series are written in.</summary>
    public static string SortKey(string[] values) => string.Join('\0', values);
}
