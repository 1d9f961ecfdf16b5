using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace MailFilter.Cli.Commands.Operations;

/// <summary>
/// <c>mailfilterctl stats [--config PATH] [--json]</c>: a summary of the metrics both daemons serve on loopback
/// (<c>[metrics] listen</c>, <c>authd_listen</c>): outbound messages by outcome, stage latencies (median and 95th
/// percentile from the histograms), deliveries by result, mailfilter-authd's operations. Exit 0, 69 when neither
/// daemon serves metrics.
/// </summary>
internal static class StatsCommand
{
    public static Command Create(CliContext context)
    {
        var config = ConfigCommand.ConfigOption();
        var json = new Option<bool>("--json") { Description = "print the numbers as JSON" };
        var command = new Command("stats", "Summarize the metrics of mailfilterd and mailfilter-authd (messages, stage latencies, deliveries, authd operations).") { config, json };
        command.SetAction(async (parse, ct) =>
        {
            var conf = ConfFile.Read(parse.GetValue(config)!);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var sources = new Dictionary<string, List<PrometheusText.Sample>?>(StringComparer.Ordinal);
            var errors = new List<string>();
            foreach (var (daemon, key) in new[] { ("mailfilterd", "listen"), ("mailfilter-authd", "authd_listen") })
            {
                var listen = conf.Get("metrics", key);
                if (listen is null || listen.Equals("none", StringComparison.OrdinalIgnoreCase))
                {
                    errors.Add($"{daemon}: [metrics] {key} is not set ({conf.Path})");
                    sources[daemon] = null;
                    continue;
                }

                try
                {
                    sources[daemon] = PrometheusText.Parse(await http.GetStringAsync(new Uri($"http://{listen}/metrics"), ct));
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UriFormatException)
                {
                    errors.Add($"{daemon}: no answer on http://{listen}/metrics ({e.Message}): is it running?");
                    sources[daemon] = null;
                }
            }

            if (sources.Values.All(s => s is null))
            {
                foreach (var e in errors)
                {
                    context.Error.WriteLine($"stats: {e}");
                }

                return ExitCodes.Unavailable;
            }

            var summary = Summarize(sources.GetValueOrDefault("mailfilterd"), sources.GetValueOrDefault("mailfilter-authd"));
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(new { summary.Messages, summary.Stages, summary.Deliveries, summary.Authd, unavailable = errors }));
            }
            else
            {
                Print(context.Output, summary, errors);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    public sealed record Latency(long Count, double? MedianMs, double? P95Ms, double MeanMs);

    public sealed record Summary(
        Dictionary<string, long> Messages,
        Dictionary<string, Latency> Stages,
        Dictionary<string, long> Deliveries,
        Dictionary<string, Latency> Authd);

    internal static Summary Summarize(List<PrometheusText.Sample>? filter, List<PrometheusText.Sample>? authd)
    {
        filter ??= [];
        authd ??= [];
        var messages = filter.Where(s => s.Name == "mailfilter_milter_messages_total").ToDictionary(s => s.Label("outcome"), s => (long)s.Value, StringComparer.Ordinal);
        var deliveries = filter.Where(s => s.Name == "mailfilter_deliveries_total")
            .GroupBy(s => $"{s.Label("result")} {s.Label("reply")}").ToDictionary(g => g.Key, g => (long)g.Sum(s => s.Value), StringComparer.Ordinal);
        return new Summary(messages, Latencies(filter, "mailfilter_milter_stage_duration_seconds", "stage"), deliveries,
            Latencies(authd, "mailfilter_authd_request_duration_seconds", "operation"));
    }

    private static Dictionary<string, Latency> Latencies(List<PrometheusText.Sample> samples, string histogram, string label)
    {
        var result = new Dictionary<string, Latency>(StringComparer.Ordinal);
        foreach (var series in samples.Where(s => s.Name == histogram + "_bucket").GroupBy(s => s.Label(label)))
        {
            double count = samples.FirstOrDefault(s => s.Name == histogram + "_count" && s.Label(label) == series.Key)?.Value ?? 0;
            double sum = samples.FirstOrDefault(s => s.Name == histogram + "_sum" && s.Label(label) == series.Key)?.Value ?? 0;
            result[series.Key] = new Latency((long)count, PrometheusText.Quantile(series, 0.5) * 1000, PrometheusText.Quantile(series, 0.95) * 1000,
                count == 0 ? 0 : sum / count * 1000);
        }

        return result;
    }

    private static void Print(TextWriter o, Summary s, IReadOnlyList<string> errors)
    {
        static string Ms(double? v) => v is null ? "-" : double.IsPositiveInfinity(v.Value) ? "> 30 s" : $"<= {v.Value.ToString("0.#", CultureInfo.InvariantCulture)} ms";

        o.WriteLine($"outbound messages: {(s.Messages.Count == 0 ? "none yet" : string.Join(", ", s.Messages.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}")))}");
        foreach (var (stage, l) in s.Stages)
        {
            o.WriteLine($"  stage {stage,-10} {l.Count,8} runs  median {Ms(l.MedianMs),-10} p95 {Ms(l.P95Ms),-10} mean {l.MeanMs.ToString("0.##", CultureInfo.InvariantCulture)} ms");
        }

        o.WriteLine($"deliveries: {(s.Deliveries.Count == 0 ? "none yet" : string.Join(", ", s.Deliveries.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}")))}");
        o.WriteLine($"mailfilter-authd: {(s.Authd.Count == 0 ? "no requests yet" : $"{s.Authd.Values.Sum(l => l.Count)} requests")}");
        foreach (var (operation, l) in s.Authd.OrderByDescending(kv => kv.Value.Count))
        {
            o.WriteLine($"  {operation,-40} {l.Count,8}  median {Ms(l.MedianMs),-10} p95 {Ms(l.P95Ms)}");
        }

        foreach (var e in errors)
        {
            o.WriteLine($"note: {e}");
        }
    }
}
