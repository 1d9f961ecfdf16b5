using System.Globalization;

namespace MailFilter.Cli.Commands.Operations;

/// <summary>The Prometheus text format read back (the daemons' /metrics): one sample per line, <c>name{a="b"} value</c>.</summary>
internal static class PrometheusText
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
    {
        public string Label(string name) => Labels.TryGetValue(name, out var v) ? v : string.Empty;
    }

    public static List<Sample> Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            int brace = line.IndexOf('{', StringComparison.Ordinal);
            int space = line.LastIndexOf(' ');
            if (space < 0)
            {
                continue;
            }

            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            string name;
            if (brace >= 0 && brace < space)
            {
                name = line[..brace];
                int close = line.LastIndexOf('}');
                foreach (var pair in SplitLabels(line[(brace + 1)..close]))
                {
                    int eq = pair.IndexOf('=', StringComparison.Ordinal);
                    labels[pair[..eq]] = pair[(eq + 2)..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
                }
            }
            else
            {
                name = line[..space];
            }

            string valueText = line[(space + 1)..];
            double value = valueText == "+Inf" ? double.PositiveInfinity : double.Parse(valueText, CultureInfo.InvariantCulture);
            samples.Add(new Sample(name, labels, value));
        }

        return samples;
    }

    // a="x",b="y, z": commas inside quotes are part of the value.
    private static IEnumerable<string> SplitLabels(string text)
    {
        int start = 0;
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '"' && (i == 0 || text[i - 1] != '\\'))
            {
                quoted = !quoted;
            }
            else if (text[i] == ',' && !quoted)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            yield return text[start..];
        }
    }

    /// <summary>The q-quantile of a histogram series from its cumulative buckets: the upper bound of the first bucket
    /// that holds it (what Prometheus' histogram_quantile does, without interpolation). Null without observations.</summary>
    public static double? Quantile(IEnumerable<Sample> buckets, double q)
    {
        var ordered = buckets.Select(b => (Le: b.Label("le") == "+Inf" ? double.PositiveInfinity : double.Parse(b.Label("le"), CultureInfo.InvariantCulture), b.Value))
            .OrderBy(b => b.Le).ToList();
        double total = ordered.Count == 0 ? 0 : ordered[^1].Value;
        if (total == 0)
        {
            return null;
        }

        return ordered.First(b => b.Value >= q * total).Le;
    }
}
