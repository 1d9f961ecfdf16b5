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
    public sealed record Run(string Config, string Transport, int Concurrency, double MessagesPerSecond, double MilterCpuMsPerMessage, double MachineCpuMsPerMessage,
        double PostfixCpuMsPerMessage, double SourceCpuMsPerMessage, int Round = 0);

    /// <summary>mailfilterd as these benchmarks run it: pass-through (trace off, no signing or encryption), listening on
    /// a unix socket Postfix may use and on loopback TCP.</summary>
    public static string PassThroughConfig(string socket, int port) =>
        $"[milter]\nlisten = unix:{socket}, inet:127.0.0.1:{port}\nsocket_group = postfix\n[filter]\ntrace = no\n{MilterLevelBenchmark.OutboundTraceOnly}[log]\nlevel = warning\n";

    public static async Task<List<Run>> RunAsync(string workDir, int rounds, int messagesAtTen, int messagesAtOne, int size)
    {
        string mfSocket = Path.Combine(workDir, "mailfilterd.sock");
        int mfPort = FreePort.Next();
        string mfConfig = Path.Combine(workDir, "mailfilterd-postfix.conf");
        File.WriteAllText(mfConfig, PassThroughConfig(mfSocket, mfPort));
        await using var mailfilterd = await DaemonProcess.StartMailfilterdAsync("unix:" + mfSocket, Path.Combine(workDir, "mailfilterd-postfix.log"), "--config", mfConfig);
        // OpenDKIM refuses a configuration under a world-writable directory such as /tmp.
        string dkimDir = Path.Combine(Repo.Root, "artifacts", "bench-opendkim");
        Directory.CreateDirectory(dkimDir);
        File.SetUnixFileMode(dkimDir, (UnixFileMode)Convert.ToInt32("755", 8));
        await using var dkimUnix = await OpenDkim.StartAsync(dkimDir, "unix:" + Path.Combine(dkimDir, "opendkim.sock"), "unix");
        await using var dkimInet = await OpenDkim.StartAsync(dkimDir, OpenDkim.Inet(FreePort.Next()), "inet");
        // Declared before Postfix so they are removed after it stopped.
        using var postfixGroup = CpuGroup.TryCreate("mailfilter-bench-postfix", out string why) ?? throw new InvalidOperationException(why);
        using var sourceGroup = CpuGroup.TryCreate("mailfilter-bench-smtp-source", out why) ?? throw new InvalidOperationException(why);
        await using var postfix = await PostfixInstance.StartAsync(new PostfixOptions { Delivery = DeliveryMode.Maildir });
        postfixGroup.AddTree(postfix.MasterPid ?? throw new InvalidOperationException("Postfix has no master pid"));
        var groups = new SmtpSourceRun.Groups(postfixGroup, sourceGroup);
        await using var nullMilter = await NullMilter.StartAsync(Path.Combine(workDir, "null.sock"), Path.Combine(workDir, "null-milter.log"));

        var configs = new (string Name, string Transport, string Milters, int Pid)[]
        {
            ("Postfix alone", "-", string.Empty, 0),
            ("null milter (accept at MAIL)", "unix", "unix:" + Path.Combine(workDir, "null.sock"), nullMilter.Pid),
            ("mailfilterd", "unix", "unix:" + mfSocket, mailfilterd.Pid),
            ("OpenDKIM", "unix", dkimUnix.PostfixSpec, dkimUnix.Pid),
            ("mailfilterd", "inet", $"inet:127.0.0.1:{mfPort}", mailfilterd.Pid),
            ("OpenDKIM", "inet", dkimInet.PostfixSpec, dkimInet.Pid),
        };
        // Warm-up: JIT compilation and first-use costs of every configuration, not measured.
        foreach (var c in configs)
        {
            await MeasureAsync(postfix, groups, c.Milters, c.Pid, 10, Math.Min(messagesAtTen, 500), size);
        }

        var runs = new List<Run>();
        for (int round = 1; round <= rounds; round++)
        {
            foreach (int concurrency in new[] { 10, 1 })
            {
                foreach (var c in configs)
                {
                    int messages = concurrency == 1 ? messagesAtOne : messagesAtTen;
                    var run = await MeasureAsync(postfix, groups, c.Milters, c.Pid, concurrency, messages, size);
                    runs.Add(run with { Config = c.Name, Transport = c.Transport, Round = round });
                    Console.WriteLine($"  round {round}: {runs[^1]}");
                }
            }
        }

        return runs;
    }

    private static async Task<Run> MeasureAsync(PostfixInstance postfix, SmtpSourceRun.Groups groups, string milters, int milterPid, int concurrency, int messages, int size)
    {
        await postfix.PostconfAsync($"smtpd_milters={milters}");
        await Task.Delay(1500); // let smtpd processes from the previous configuration exit
        var result = await SmtpSourceRun.RunAsync(postfix, Path.Combine(postfix.DeliveryDirectory, "all", "new"), [milterPid],
            new SmtpSourceRun.Load(concurrency, messages, size, "alice@example.test", "bob@example.test"), groups: groups);
        return new Run(string.Empty, string.Empty, concurrency, result.MessagesPerSecond, result.CpuMsPerMessage(0), result.MachineCpuMsPerMessage,
            result.PostfixCpuMsPerMessage, result.SourceCpuMsPerMessage);
    }

    public static string Format(IReadOnlyList<Run> runs, int rounds, int messagesAtTen, int messagesAtOne, int size)
    {
        var sb = new StringBuilder();
        sb.AppendLine("### Through Postfix (smtp-source, one message per SMTP session, delivery into Maildirs)");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{Machine.Stamp()} Postfix 3.7 private instance. {MailDisk.Description} smtp-source sends {messagesAtTen} messages at concurrency 10 and {messagesAtOne} at concurrency 1, {size} bytes of payload each; throughput is messages divided by the time from the first connection to the last Maildir delivery. A warm-up pass of every configuration first, then {rounds} rounds, configurations alternating within each round; medians shown; the ratio is the median rate over Postfix alone's median rate, and beside it the ratios of each round (a configuration against Postfix alone in the same round) as median and range, for the spread. The null milter (its own process, with mailfilterd's thread-pool setting) negotiates away every step and accepts at MAIL: the difference between it and Postfix alone is Postfix's own per-session cost of having a milter at all. mailfilterd runs pass-through (trace off), receiving every header and the body; OpenDKIM signs with RSA-2048, relaxed/relaxed. Milter CPU is the milter process's user+system time divided by messages. Postfix CPU is every Postfix process (the instance's master and all it forks: smtpd, cleanup, qmgr, virtual, ...), smtp-source CPU the load tool, each counted by a control group (cgroup cpuacct) they run in; \"Postfix CPU over alone\" is what Postfix itself spends on having the milter. Machine CPU is everything the machine did divided by messages, so the difference to Postfix alone is what a milter costs in all. Targets: mailfilterd at least 0.85 of Postfix alone and at most 0.2 ms CPU per message; over inet within 10 % of its unix-socket figure.");
        sb.AppendLine();
        sb.AppendLine("| concurrency | configuration | socket | messages/s | ratio to Postfix alone | ratio per round: median (min-max) | milter CPU ms/message | Postfix CPU ms/message | Postfix CPU over alone | smtp-source CPU ms/message | machine CPU ms/message |");
        sb.AppendLine("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        var c = CultureInfo.InvariantCulture;
        foreach (var group in runs.GroupBy(r => (r.Concurrency, r.Config, r.Transport)).OrderByDescending(g => g.Key.Concurrency))
        {
            var alone = runs.Where(r => r.Concurrency == group.Key.Concurrency && r.Config == "Postfix alone").ToList();
            double rate = Percentiles.Median(group.Select(r => r.MessagesPerSecond));
            double postfixCpu = Percentiles.Median(group.Select(r => r.PostfixCpuMsPerMessage));
            bool isAlone = group.Key.Config == "Postfix alone";
            string milterCpu = isAlone ? "-" : Percentiles.Median(group.Select(r => r.MilterCpuMsPerMessage)).ToString("F3", c);
            string over = isAlone ? "-" : (postfixCpu - Percentiles.Median(alone.Select(r => r.PostfixCpuMsPerMessage))).ToString("+0.00;-0.00", c);
            var perRound = group.Select(r => r.MessagesPerSecond / alone.Single(a => a.Round == r.Round).MessagesPerSecond).ToList();
            string roundRatios = isAlone ? "-" : string.Create(c, $"{Percentiles.Median(perRound):F2} ({perRound.Min():F2}-{perRound.Max():F2})");
            sb.AppendLine(c, $"| {group.Key.Concurrency} | {group.Key.Config} | {group.Key.Transport} | {rate:F0} | {rate / Percentiles.Median(alone.Select(r => r.MessagesPerSecond)):F2} | {roundRatios} | {milterCpu} | {postfixCpu:F2} | {over} | {Percentiles.Median(group.Select(r => r.SourceCpuMsPerMessage)):F2} | {Percentiles.Median(group.Select(r => r.MachineCpuMsPerMessage)):F2} |");
        }

        return sb.ToString();
    }
}
