using System.Collections.Concurrent;
using System.Text;

namespace MailFilter.Hosting.Metrics;

/// <summary>Observations counted into fixed buckets (cumulative when written), with their sum, per label set.</summary>
public sealed class Histogram : IMetric
{
    private readonly string _help;
    private readonly double[] _buckets;
    private readonly string[] _labelNames;
    private readonly ConcurrentDictionary<string[], Series> _series = new(LabelValues.Comparer);

    internal Histogram(string name, string help, double[] buckets, string[] labelNames)
    {
        Name = name;
        _help = help;
        _buckets = buckets;
        _labelNames = labelNames;
    }

    public string Name { get; }

    public void Observe(double value, params string[] labelValues)
    {
        if (labelValues.Length != _labelNames.Length)
        {
            throw new ArgumentException($"{Name} has {_labelNames.Length} labels, got {labelValues.Length} values", nameof(labelValues));
        }

        // The dictionary keeps a copy of the values as the key: the caller's array may change after the call.
        if (!_series.TryGetValue(labelValues, out var series))
        {
            var key = labelValues.ToArray();
            series = _series.GetOrAdd(key, new Series(key, _buckets.Length));
        }

        int bucket = 0;
        while (bucket < _buckets.Length && !(value <= _buckets[bucket]))
        {
            bucket++;
        }

        Interlocked.Increment(ref series.Buckets[bucket]);
        // The sum in microseconds as a long keeps the update lock-free.
        Interlocked.Add(ref series.SumMicros, (long)(value * 1_000_000));
    }

    /// <summary>How many observations one label set has.</summary>
    public long Count(params string[] labelValues) =>
        _series.TryGetValue(labelValues, out var s) ? s.Buckets.Sum(b => Interlocked.Read(ref b)) : 0;

    void IMetric.Render(StringBuilder text)
    {
        text.Append("# HELP ").Append(Name).Append(' ').Append(_help).Append('\n');
        text.Append("# TYPE ").Append(Name).Append(" histogram\n");
        foreach (var series in _series.Values.OrderBy(s => LabelValues.SortKey(s.Values), StringComparer.Ordinal))
        {
            long cumulative = 0;
            for (int i = 0; i <= _buckets.Length; i++)
            {
                cumulative += Interlocked.Read(ref series.Buckets[i]);
                string le = MetricsRegistry.Number(i < _buckets.Length ? _buckets[i] : double.PositiveInfinity);
                text.Append(Name).Append("_bucket").Append(MetricsRegistry.Labels(_labelNames, series.Values, "le", le)).Append(' ').Append(cumulative).Append('\n');
            }

            text.Append(Name).Append("_sum").Append(MetricsRegistry.Labels(_labelNames, series.Values)).Append(' ')
                .Append(MetricsRegistry.Number(Interlocked.Read(ref series.SumMicros) / 1_000_000.0)).Append('\n');
            text.Append(Name).Append("_count").Append(MetricsRegistry.Labels(_labelNames, series.Values)).Append(' ').Append(cumulative).Append('\n');
        }
    }

    private sealed class Series(string[] values, int buckets)
    {
        public string[] Values { get; } = values;

        public long[] Buckets { get; } = new long[buckets + 1];

        public long SumMicros;
    }
}
