using System.Collections.Concurrent;
using System.Text;

namespace MailFilter.Hosting.Metrics;

/// <summary>A monotonically increasing count per label set.</summary>
public sealed class Counter : IMetric
{
    private readonly string _help;
    private readonly string[] _labelNames;
    private readonly ConcurrentDictionary<string[], (string[] Values, long[] Count)> _series = new(LabelValues.Comparer);

    internal Counter(string name, string help, string[] labelNames)
    {
        Name = name;
        _help = help;
        _labelNames = labelNames;
    }

    public string Name { get; }

    public void Increment(params string[] labelValues) => Add(1, labelValues);

    /// <summary>Adds <paramref name="amount"/> (at least 0: a counter never goes down), e.g. bytes sent.</summary>
    public void Add(long amount, params string[] labelValues)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        if (labelValues.Length != _labelNames.Length)
        {
            throw new ArgumentException($"{Name} has {_labelNames.Length} labels, got {labelValues.Length} values", nameof(labelValues));
        }

        // The dictionary keeps a copy of the values as the key: the caller's array may change after the call.
        if (!_series.TryGetValue(labelValues, out var series))
        {
            var key = labelValues.ToArray();
            series = _series.GetOrAdd(key, (key, new long[1]));
        }

        Interlocked.Add(ref series.Count[0], amount);
    }

    /// <summary>The count of one label set (0 when never incremented).</summary>
    public long Value(params string[] labelValues) =>
        _series.TryGetValue(labelValues, out var s) ? Interlocked.Read(ref s.Count[0]) : 0;

    void IMetric.Render(StringBuilder text)
    {
        text.Append("# HELP ").Append(Name).Append(' ').Append(_help).Append('\n');
        text.Append("# TYPE ").Append(Name).Append(" counter\n");
        foreach (var (values, count) in _series.Values.OrderBy(s => LabelValues.SortKey(s.Values), StringComparer.Ordinal))
        {
            text.Append(Name).Append(MetricsRegistry.Labels(_labelNames, values)).Append(' ').Append(Interlocked.Read(ref count[0])).Append('\n');
        }
    }
}
