using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace MailFilter.Hosting.Metrics;

/// <summary>
/// Counters and histograms kept in memory and written in the Prometheus text exposition format (version 0.0.4):
/// <c># HELP</c>, <c># TYPE</c>, one line per label set; histograms as cumulative <c>_bucket{le=...}</c>, <c>_sum</c>,
/// <c>_count</c>. Recording is lock-free (Interlocked); label values are few and fixed by the code (outcomes, stage
/// names, endpoints), never addresses or queue ids.
/// </summary>
public sealed class MetricsRegistry
{
    private readonly ConcurrentDictionary<string, IMetric> _metrics = new(StringComparer.Ordinal);

    public Counter Counter(string name, string help, params string[] labelNames) =>
        (Counter)_metrics.GetOrAdd(name, _ => new Counter(name, help, labelNames));

    public Histogram Histogram(string name, string help, double[] buckets, params string[] labelNames) =>
        (Histogram)_metrics.GetOrAdd(name, _ => new Histogram(name, help, buckets, labelNames));

    /// <summary>Every metric in the text format, sorted by name.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        foreach (var metric in _metrics.Values.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            metric.Render(text);
        }

        return text.ToString();
    }

    /// <summary>Seconds from 1 ms to 30 s: milter stages, deliveries and authd calls.</summary>
    public static readonly double[] LatencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    internal static string Labels(string[] names, string[] values, string? extraName = null, string? extraValue = null)
    {
        if (names.Length == 0 && extraName is null)
        {
            return string.Empty;
        }

        var parts = names.Select((n, i) => $"{n}=\"{Escape(values[i])}\"").ToList();
        if (extraName is not null)
        {
            parts.Add($"{extraName}=\"{extraValue}\"");
        }

        return "{" + string.Join(",", parts) + "}";
    }

    internal static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : value.ToString("R", CultureInfo.InvariantCulture);

    // Exposition format: backslash, double quote and line feed are escaped in label values.
    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}

internal interface IMetric
{
    string Name { get; }

    void Render(StringBuilder text);
}
