using System.Diagnostics;
using System.Globalization;
using System.Text;
using MailFilter.Lab;
using MailFilter.Milter;
using MailFilter.Milter.Client;
using MailFilter.Milter.Wire;

namespace MailFilter.Bench.Milter;

/// <summary>
/// A milter's CPU per session against the rate sessions arrive at, without Postfix: the project's client opens one
/// connection per message as Postfix does (negotiate, the message, ABORT, QUIT, close), 10 at a time, paced at a
/// fixed offered rate (or as fast as it can). Postfix's run-to-run spread (docs/benchmarks.md) hides changes of a few
/// percent; this does not, and it shows what the Postfix table's CPU column is made of: at a few hundred sessions a
/// second nearly every packet wakes a sleeping thread, at thousands the wake-ups are shared.
/// </summary>
internal static class SessionRateBenchmark
{
    public sealed record Row(string Milter, string Load, double SessionsPerSecond, double CpuMsPerSession, double SwitchesPerSession, double InvoluntaryPerSession);

    private const int Concurrency = 10;

    /// <summary>Offered rates in sessions/s; 0 is saturation.</summary>
    private static readonly double[] s_rates = [200, 400, 1000, 3000, 0];

    public static async Task<List<Row>> RunAsync(string workDir, int rounds, TimeSpan perRate)
    {
        string mfSocket = Path.Combine(workDir, "sessions-mailfilterd.sock");
        string mfConfig = Path.Combine(workDir, "sessions-mailfilterd.conf");
        File.WriteAllText(mfConfig, PostfixBenchmark.PassThroughConfig(mfSocket, FreePort.Next()));
        await using var mailfilterd = await DaemonProcess.StartMailfilterdAsync("unix:" + mfSocket, Path.Combine(workDir, "sessions-mailfilterd.log"), "--config", mfConfig);
        string nullSocket = Path.Combine(workDir, "sessions-null.sock");
        await using var nullMilter = await NullMilter.StartAsync(nullSocket, Path.Combine(workDir, "sessions-null.log"));
        (string Name, MilterEndpoint Endpoint, int Pid)[] milters =
        [
            ("mailfilterd pass-through", MilterEndpoint.Parse("unix:" + mfSocket), mailfilterd.Pid),
            ("null milter (accept at MAIL)", MilterEndpoint.Parse("unix:" + nullSocket), nullMilter.Pid),
        ];

        var tx = OutboundTransaction.Create(RawMessage.Parse(SampleMessage.Create(2048)), 0);
        foreach (var m in milters)
        {
            // Warm-up: the JIT recompiles hot code in the background, and its CPU counts as the milter's.
            await MeasureAsync(m.Endpoint, m.Pid, tx, 0, 5000);
            await MeasureAsync(m.Endpoint, m.Pid, tx, 1000, 1000);
        }

        await Task.Delay(TimeSpan.FromSeconds(1));

        var rows = new List<Row>();
        foreach (double rate in s_rates)
        {
            int sessions = rate > 0 ? (int)(rate * perRate.TotalSeconds) : 20_000;
            var samples = milters.Select(_ => new List<(double Rate, double Cpu, double Switches, double Involuntary)>()).ToArray();
            for (int round = 0; round < rounds; round++)
            {
                // Alternate which milter goes first, so a drift of the machine's state within a round is shared.
                for (int k = 0; k < milters.Length; k++)
                {
                    int i = (k + round) % milters.Length;
                    samples[i].Add(await MeasureAsync(milters[i].Endpoint, milters[i].Pid, tx, rate, sessions));
                }
            }

            for (int i = 0; i < milters.Length; i++)
            {
                rows.Add(new Row(milters[i].Name, rate > 0 ? $"paced {rate:F0}/s" : "saturated",
                    Percentiles.Median(samples[i].Select(s => s.Rate)), Percentiles.Median(samples[i].Select(s => s.Cpu)), Percentiles.Median(samples[i].Select(s => s.Switches)),
                    Percentiles.Median(samples[i].Select(s => s.Involuntary))));
                Console.WriteLine($"  {rows[^1]}");
            }
        }

        return rows;
    }

    private static async Task<(double Rate, double Cpu, double Switches, double Involuntary)> MeasureAsync(MilterEndpoint endpoint, int pid, MilterTransaction tx, double rate, int sessions)
    {
        var cpuBefore = ProcessStats.CpuTime(pid);
        long switchesBefore = ProcessStats.ContextSwitches(pid);
        long involuntaryBefore = ProcessStats.InvoluntaryContextSwitches(pid);
        var stopwatch = Stopwatch.StartNew();
        int left = sessions;
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            var pacer = new Pacer(stopwatch, Pacer.Interval(rate, Concurrency));
            while (Interlocked.Decrement(ref left) >= 0)
            {
                await pacer.WaitAsync();
                await using var client = await MilterClient.ConnectAsync(endpoint);
                await client.NegotiateAsync();
                var result = await client.SendMessageAsync(tx);
                if (result.Verdict.Code is not (MilterReplyCode.Continue or MilterReplyCode.Accept))
                {
                    throw new InvalidOperationException($"unexpected verdict {result.Verdict}");
                }

                await client.QuitAsync();
            }
        }));
        var elapsed = stopwatch.Elapsed;
        double cpu = (ProcessStats.CpuTime(pid) - cpuBefore).TotalMilliseconds / sessions;
        double switches = (double)(ProcessStats.ContextSwitches(pid) - switchesBefore) / sessions;
        double involuntary = (double)(ProcessStats.InvoluntaryContextSwitches(pid) - involuntaryBefore) / sessions;
        return (sessions / elapsed.TotalSeconds, cpu, switches, involuntary);
    }

    public static string Format(IReadOnlyList<Row> rows, int rounds, TimeSpan perRate)
    {
        var sb = new StringBuilder();
        sb.AppendLine("### Milter level, one connection per message (as Postfix connects), against the session rate");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{Machine.Stamp()} The project's milter client opens a connection per message (negotiate, MAIL, RCPT, 10 headers, a 2 KB body, end of message, ABORT, QUIT, close), {Concurrency} connections at a time, each on a fixed schedule so that together they offer the rate shown (\"saturated\": as fast as they can); {perRate.TotalSeconds:F0} s of sessions per rate (20,000 sessions saturated), {rounds} rounds with the two milters alternating, medians shown. mailfilterd runs pass-through as in the Postfix table below (trace off, receiving every header and the body); the null milter is that table's floor (negotiates every step away, accepts at MAIL). CPU is the milter process's user+system time per session, context switches its threads' switches per session, voluntary (going to sleep) and involuntary (preempted). No Postfix: the client shares the 2 vCPUs but not its disk work.");
        sb.AppendLine();
        sb.AppendLine("| milter | load | sessions/s | CPU ms/session | context switches/session | of which involuntary |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Milter} | {r.Load} | {r.SessionsPerSecond:F0} | {r.CpuMsPerSession:F3} | {r.SwitchesPerSession:F2} | {r.InvoluntaryPerSession:F2} |");
        }

        return sb.ToString();
    }
}
