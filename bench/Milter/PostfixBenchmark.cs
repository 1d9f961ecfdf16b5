using System.Globalization;
using System.Text;
using MailFilter.Lab;

namespace MailFilter.Bench.Milter;

/// <summary>
/// Whole-system throughput: Postfix 3.7 receiving with smtp-source (one message per SMTP session) and
/// delivering into Maildirs with virtual(8), with no milter, with mailfilterd (pass-through) and with
/// OpenDKIM signing, over unix sockets and loopback TCP, at concurrency 1 and 10. Configurations
/// alternate within each round so drifts in machine load hit all of them alike; the median of the
/// rounds is reported.
/// </summary>
internal static class PostfixBenchmark
{
    public sealed record Run(string Config, string Transport, int Concurrency, double MessagesPerSecond, double MilterCpuMsPerMessage, double MachineCpuMsPerMessage);

    public static async Task<List<Run>> RunAsync(string workDir, int rounds, int messagesAtTen, int messagesAtOne, int size)
    {
        string mfSocket = Path.Combine(workDir, "mailfilterd.sock");
        int mfPort = FreePort.Next();
        string mfConfig = Path.Combine(workDir, "mailfilterd-postfix.conf");
        File.WriteAllText(mfConfig, $"[milter]\nlisten = unix:{mfSocket}, inet:127.0.0.1:{mfPort}\nsocket_group = postfix\n[filter]\ntrace = no\n{MilterLevelBenchmark.OutboundTraceOnly}[log]\nlevel = warning\n");
        await using var mailfilterd = await DaemonProcess.StartMailfilterdAsync("unix:" + mfSocket, Path.Combine(workDir, "mailfilterd-postfix.log"), "--config", mfConfig);
        // OpenDKIM refuses a configuration under a world-writable directory such as /tmp.
        string dkimDir = Path.Combine(Repo.Root, "artifacts", "bench-opendkim");
        Directory.CreateDirectory(dkimDir);
        File.SetUnixFileMode(dkimDir, (UnixFileMode)Convert.ToInt32("755", 8));
        await using var dkimUnix = await OpenDkim.StartAsync(dkimDir, "unix:" + Path.Combine(dkimDir, "opendkim.sock"), "unix");
        await using var dkimInet = await OpenDkim.StartAsync(dkimDir, OpenDkim.Inet(FreePort.Next()), "inet");
        await using var postfix = await PostfixInstance.StartAsync(new PostfixOptions { Delivery = DeliveryMode.Maildir });
        await using var nullMilter = new NullMilter(Path.Combine(workDir, "null.sock"));

        var configs = new (string Name, string Transport, string Milters, int Pid)[]
        {
            ("Postfix alone", "-", string.Empty, 0),
            ("null milter (accept at MAIL)", "unix", nullMilter.Spec, Environment.ProcessId),
            ("mailfilterd", "unix", "unix:" + mfSocket, mailfilterd.Pid),
            ("OpenDKIM", "unix", dkimUnix.PostfixSpec, dkimUnix.Pid),
            ("mailfilterd", "inet", $"inet:127.0.0.1:{mfPort}", mailfilterd.Pid),
            ("OpenDKIM", "inet", dkimInet.PostfixSpec, dkimInet.Pid),
        };
        // Warm-up: JIT compilation and first-use costs of every configuration, not measured.
        foreach (var c in configs)
        {
            await MeasureAsync(postfix, c.Milters, c.Pid, 10, Math.Min(messagesAtTen, 500), size);
        }

        var runs = new List<Run>();
        for (int round = 1; round <= rounds; round++)
        {
            foreach (int concurrency in new[] { 10, 1 })
            {
                foreach (var c in configs)
                {
                    int messages = concurrency == 1 ? messagesAtOne : messagesAtTen;
                    var run = await MeasureAsync(postfix, c.Milters, c.Pid, concurrency, messages, size);
                    runs.Add(run with { Config = c.Name, Transport = c.Transport });
                    Console.WriteLine($"  round {round}: {runs[^1]}");
                }
            }
        }

        return runs;
    }

    private static async Task<Run> MeasureAsync(PostfixInstance postfix, string milters, int milterPid, int concurrency, int messages, int size)
    {
        await postfix.PostconfAsync($"smtpd_milters={milters}");
        await Task.Delay(1500); // let smtpd processes from the previous configuration exit
        var result = await SmtpSourceRun.RunAsync(postfix, Path.Combine(postfix.DeliveryDirectory, "all", "new"), [milterPid],
            new SmtpSourceRun.Load(concurrency, messages, size, "alice@example.test", "bob@example.test"));
        return new Run(string.Empty, string.Empty, concurrency, result.MessagesPerSecond, result.CpuMsPerMessage(0), result.MachineCpuMsPerMessage);
    }

    public static string Format(IReadOnlyList<Run> runs, int rounds, int messagesAtTen, int messagesAtOne, int size)
    {
        var sb = new StringBuilder();
        sb.AppendLine("### Through Postfix (smtp-source, one message per SMTP session, delivery into Maildirs)");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{Machine.Stamp()} Postfix 3.7 private instance; smtp-source sends {messagesAtTen} messages at concurrency 10 and {messagesAtOne} at concurrency 1, {size} bytes of payload each; throughput is messages divided by the time from the first connection to the last Maildir delivery. A warm-up pass of every configuration first, then {rounds} rounds, configurations alternating within each round; medians shown. The null milter (in the benchmark process) negotiates away every step and accepts at MAIL: the difference between it and Postfix alone is Postfix's own per-session cost of having a milter at all. mailfilterd runs pass-through (trace off), receiving every header and the body; OpenDKIM signs with RSA-2048, relaxed/relaxed. Milter CPU is the milter process's user+system time divided by messages; machine CPU is everything the machine did (Postfix's processes, smtp-source, the milter) divided by messages, so the difference to Postfix alone is what a milter costs in all. Targets: mailfilterd at least 0.85 of Postfix alone and at most 0.2 ms CPU per message; over inet within 10 % of its unix-socket figure.");
        sb.AppendLine();
        sb.AppendLine("| concurrency | configuration | socket | messages/s | ratio to Postfix alone | milter CPU ms/message | machine CPU ms/message |");
        sb.AppendLine("|---:|---|---|---:|---:|---:|---:|");
        foreach (var group in runs.GroupBy(r => (r.Concurrency, r.Config, r.Transport)).OrderByDescending(g => g.Key.Concurrency))
        {
            double rate = Percentiles.Median(group.Select(r => r.MessagesPerSecond));
            double alone = Percentiles.Median(runs.Where(r => r.Concurrency == group.Key.Concurrency && r.Config == "Postfix alone").Select(r => r.MessagesPerSecond));
            double cpu = Percentiles.Median(group.Select(r => r.MilterCpuMsPerMessage));
            double machine = Percentiles.Median(group.Select(r => r.MachineCpuMsPerMessage));
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {group.Key.Concurrency} | {group.Key.Config} | {group.Key.Transport} | {rate:F0} | {rate / alone:F2} | {(group.Key.Config == "Postfix alone" ? "-" : cpu.ToString("F3", CultureInfo.InvariantCulture))} | {machine:F2} |");
        }

        return sb.ToString();
    }
}
