namespace MailFilter.Bench;

/// <summary>Percentiles of latency samples (nearest rank).</summary>
public static class Percentiles
{
    public static double Of(IReadOnlyList<double> sortedSamples, double percentile)
    {
        if (sortedSamples.Count == 0)
        {
            return double.NaN;
        }

        int rank = (int)Math.Ceiling(percentile / 100.0 * sortedSamples.Count);
        return sortedSamples[Math.Clamp(rank - 1, 0, sortedSamples.Count - 1)];
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
