using System.Globalization;
using MailFilter.Lab;

namespace MailFilter.Bench.Milter;

/// <summary>
/// Two mailfilterd builds behind one Postfix, taking turns (the order alternates from round to round), so
/// a change's effect on the Postfix-level numbers is not lost in the machine's drift between whole runs:
/// <c>bench/Milter compare OTHER_MAILFILTERD [unix|inet] [--quick]</c>, OTHER being e.g. the Release
/// build of an earlier commit in a git worktree. Prints medians of messages/s, CPU ms and context switches
/// per message for "this" (the repository's Release build) and "other"; writes nothing to the docs.
/// </summary>
internal static class CompareBenchmark
{
    public static async Task RunAsync(string workDir, string otherBinary, string transport, int rounds, int messages)
    {
        var builds = new[] { ("this", Repo.BuildOutput("src/Filter", "mailfilterd")), ("other", otherBinary) };
        var daemons = new List<(string Name, DaemonProcess Process, string Spec)>();
        try
        {
            for (int i = 0; i < builds.Length; i++)
            {
                string socket = Path.Combine(workDir, $"compare-{i}.sock");
                int port = FreePort.Next();
                string config = Path.Combine(workDir, $"compare-{i}.conf");
                File.WriteAllText(config, PostfixBenchmark.PassThroughConfig(socket, port));
                var process = await DaemonProcess.StartAsync(builds[i].Item2, ["--config", config], "unix:" + socket, Path.Combine(workDir, $"compare-{i}.log"), notifyReady: true);
                daemons.Add((builds[i].Item1, process, transport == "inet" ? $"inet:127.0.0.1:{port}" : "unix:" + socket));
            }

            await using var postfix = await PostfixInstance.StartAsync(new PostfixOptions { Delivery = DeliveryMode.Maildir });
            string maildirNew = Path.Combine(postfix.DeliveryDirectory, "all", "new");
            var results = daemons.ToDictionary(d => d.Name, _ => new List<(double Rate, double Cpu, double Switches)>());
            for (int round = 0; round <= rounds; round++)
            {
                foreach (int k in new[] { 0, 1 })
                {
                    var (name, process, spec) = daemons[round % 2 == 0 ? k : 1 - k];
                    await postfix.PostconfAsync($"smtpd_milters={spec}");
                    await Task.Delay(1500); // let smtpd processes from the previous configuration exit
                    long switches = ProcessStats.ContextSwitches(process.Pid);
                    var result = await SmtpSourceRun.RunAsync(postfix, maildirNew, [process.Pid],
                        new SmtpSourceRun.Load(10, round == 0 ? Math.Min(messages, 500) : messages, 2048, "alice@example.test", "bob@example.test"));
                    double perMessage = (ProcessStats.ContextSwitches(process.Pid) - switches) / (double)result.Messages;
                    string label = round == 0 ? "warm-up" : $"round {round}";
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {label} {name}: {result.MessagesPerSecond:F0} messages/s, {result.CpuMsPerMessage(0):F3} ms CPU, {perMessage:F2} context switches per message"));
                    if (round > 0)
                    {
                        results[name].Add((result.MessagesPerSecond, result.CpuMsPerMessage(0), perMessage));
                    }
                }
            }

            foreach (var (name, list) in results)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name}: median {Percentiles.Median(list.Select(r => r.Rate)):F0} messages/s, {Percentiles.Median(list.Select(r => r.Cpu)):F3} ms CPU, {Percentiles.Median(list.Select(r => r.Switches)):F2} context switches per message ({transport}, concurrency 10, {rounds} rounds of {messages})"));
            }
        }
        finally
        {
            foreach (var d in daemons)
            {
                await d.Process.DisposeAsync();
            }
        }
    }
}
