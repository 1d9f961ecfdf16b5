using System.Diagnostics;
using System.Globalization;
using System.Text;
using MailFilter.Lab;
using MailFilter.Milter;
using MailFilter.Milter.Client;
using MailFilter.Milter.Wire;

namespace MailFilter.Bench.Milter;

/// <summary>
/// mailfilterd (the Release binary, in its own process) driven through its unix socket by the project's
/// milter client, one persistent session per connection, many messages each, as Postfix's cleanup would
/// send them. Reports messages/s, p50/p99 latency (MAIL to the end-of-message reply) and mailfilterd's CPU
/// time per message.
/// </summary>
internal static class MilterLevelBenchmark
{
    public sealed record Row(string Mode, int Size, int Connections, string Load, double MessagesPerSecond, double P50Ms, double P99Ms, double CpuMsPerMessage);

    /// <summary>alice@example.test is outbound (authenticated) but neither signed nor encrypted: every message
    /// runs the whole pipeline as before issue 5, with no key work (bench/Outbound measures that).</summary>
    public const string OutboundTraceOnly = "[policy]\nlocal_domains = example.test\nsign = never\nencrypt = never\n";

    /// <summary>The offered load of the paced rows: the issue's throughput target.</summary>
    public const double PacedRate = 10_000;

    public static async Task<List<Row>> RunAsync(TimeSpan duration, string workDir)
    {
        var rows = new List<Row>();
        foreach (bool trace in new[] { false, true })
        {
            string socket = Path.Combine(workDir, $"bench-{trace}.sock");
            string config = Path.Combine(workDir, $"bench-{trace}.conf");
            File.WriteAllText(config, $"[milter]\nlisten = unix:{socket}\n[filter]\ntrace = {(trace ? "yes" : "no")}\nhostname = mx.example.test\n{OutboundTraceOnly}[log]\nlevel = warning\n");
            await using var daemon = await DaemonProcess.StartMailfilterdAsync("unix:" + socket, Path.Combine(workDir, $"bench-{trace}.log"), "--config", config);
            foreach (int size in new[] { 2 * 1024, 100 * 1024 })
            {
                foreach (int connections in new[] { 1, 50 })
                {
                    var endpoint = MilterEndpoint.Parse("unix:" + socket);
                    await MeasureAsync(endpoint, size, connections, TimeSpan.FromSeconds(1), daemon.Pid, null); // warm-up
                    var row = await MeasureAsync(endpoint, size, connections, duration, daemon.Pid, null);
                    rows.Add(row with { Mode = trace ? "add one header" : "pass-through" });
                    Console.WriteLine($"  {rows[^1]}");
                    if (connections > 1 && size <= 2048)
                    {
                        // Latency at the target rate rather than at saturation (where it is only queueing:
                        // Little's law makes mean latency = connections / throughput).
                        row = await MeasureAsync(endpoint, size, connections, duration, daemon.Pid, PacedRate / connections);
                        rows.Add(row with { Mode = trace ? "add one header" : "pass-through" });
                        Console.WriteLine($"  {rows[^1]}");
                    }
                }
            }
        }

        return rows;
    }

    /// <param name="ratePerConnection">null: each connection sends as fast as it can (saturation); a rate:
    /// each connection sends on a fixed schedule (catching up when late), so the daemon sees that load.
    /// Latency counts from the actual send: .NET timers fire up to a few ms late, and counting from the
    /// scheduled time would charge the client's timer to the daemon.</param>
    private static async Task<Row> MeasureAsync(MilterEndpoint endpoint, int size, int connections, TimeSpan duration, int daemonPid, double? ratePerConnection)
    {
        var message = RawMessage.Parse(SampleMessage.Create(size));
        var latencies = new List<double>[connections];
        var cpuBefore = ProcessStats.CpuTime(daemonPid);
        var stopwatch = Stopwatch.StartNew();
        var deadline = stopwatch.Elapsed + duration;
        var workers = Enumerable.Range(0, connections).Select(async c =>
        {
            var samples = latencies[c] = new List<double>(100_000);
            await using var client = await MilterClient.ConnectAsync(endpoint);
            await client.NegotiateAsync();
            var tx = OutboundTransaction.Create(message, c);
            var pacer = new Pacer(stopwatch, Pacer.Interval(ratePerConnection, 1));
            while (stopwatch.Elapsed < deadline)
            {
                await pacer.WaitAsync();
                var sent = stopwatch.Elapsed;
                var result = await client.SendMessageAsync(tx);
                samples.Add((stopwatch.Elapsed - sent).TotalMilliseconds);
                if (result.Verdict.Code != MilterReplyCode.Continue)
                {
                    throw new InvalidOperationException($"unexpected verdict {result.Verdict}");
                }
            }

            await client.QuitAsync();
        }).ToArray();
        await Task.WhenAll(workers);
        var elapsed = stopwatch.Elapsed;
        var cpu = ProcessStats.CpuTime(daemonPid) - cpuBefore;
        var all = latencies.SelectMany(l => l).Order().ToList();
        string load = ratePerConnection is { } r ? $"paced {r * connections:F0}/s" : "saturated";
        return new Row(string.Empty, size, connections, load, all.Count / elapsed.TotalSeconds, Percentiles.Of(all, 50), Percentiles.Of(all, 99), cpu.TotalMilliseconds / all.Count);
    }

    public static string Format(IReadOnlyList<Row> rows, TimeSpan duration)
    {
        var sb = new StringBuilder();
        sb.AppendLine("### Milter level (mailfilterd's own client through the unix socket)");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{Machine.Stamp()} Each row: {duration.TotalSeconds:F0} s after a 1 s warm-up; one persistent session per connection, many messages each (MAIL, RCPT, DATA, 10 headers, body, EOM, ABORT); latency from MAIL to the end-of-message reply; mailfilterd's CPU (user+system, all threads) divided by messages. Client and daemon share the 2 cores. \"saturated\": every connection sends its next message as soon as the last is answered (maximum throughput; latency is then mostly queueing). \"paced\": the 50 connections together offer 10,000 messages/s on a fixed schedule; latency counts from the actual send. Targets: at least 10,000 messages/s for 2 KB pass-through with 50 connections, p99 under 5 ms.");
        sb.AppendLine();
        sb.AppendLine("| mode | size | connections | load | messages/s | p50 ms | p99 ms | mailfilterd CPU ms/message |");
        sb.AppendLine("|---|---:|---:|---|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Mode} | {r.Size / 1024} KB | {r.Connections} | {r.Load} | {r.MessagesPerSecond:F0} | {r.P50Ms:F3} | {r.P99Ms:F3} | {r.CpuMsPerMessage:F3} |");
        }

        return sb.ToString();
    }
}
