using System.Diagnostics;
using System.Globalization;
using MailFilter.Lab;

namespace MailFilter.Bench.Milter;

/// <summary>
/// One measured pass through Postfix: smtp-source submits <c>messages</c> messages (one per SMTP session,
/// <c>concurrency</c> sessions at a time) and the pass ends when that many files are in the Maildir's new/.
/// Reports the wall time from the first connection to the last delivery, the CPU time of the named processes
/// (milters, the delivery agent, authd) and of the whole machine over that time.
/// </summary>
internal static class SmtpSourceRun
{
    /// <summary>What smtp-source sends: envelope and From/To header addresses, payload bytes (headers not counted),
    /// and an optional Subject header.</summary>
    public sealed record Load(int Concurrency, int Messages, int Size, string From, string To, string? Subject = null);

    /// <summary>Control groups to account: every Postfix process (the instance's tree) and smtp-source.</summary>
    public sealed record Groups(CpuGroup Postfix, CpuGroup Source);

    public sealed record Result(int Messages, TimeSpan Elapsed, IReadOnlyList<TimeSpan> ProcessCpu, TimeSpan MachineCpu, TimeSpan? PostfixCpu = null, TimeSpan? SourceCpu = null)
    {
        public double MessagesPerSecond => Messages / Elapsed.TotalSeconds;

        public double MachineCpuMsPerMessage => MachineCpu.TotalMilliseconds / Messages;

        /// <summary>CPU ms per message of the i-th process passed in.</summary>
        public double CpuMsPerMessage(int i) => ProcessCpu[i].TotalMilliseconds / Messages;

        /// <summary>CPU ms per message of all Postfix processes, NaN without groups.</summary>
        public double PostfixCpuMsPerMessage => (PostfixCpu?.TotalMilliseconds ?? double.NaN) / Messages;

        /// <summary>CPU ms per message of smtp-source, NaN without groups.</summary>
        public double SourceCpuMsPerMessage => (SourceCpu?.TotalMilliseconds ?? double.NaN) / Messages;
    }

    /// <param name="maildirNew">The new/ directory the deliveries land in; emptied before and after.</param>
    /// <param name="pids">Processes whose CPU time is reported (0: none, reported as zero).</param>
    /// <param name="inspect">Called with one delivered file before the directory is emptied (checks on what arrived).</param>
    /// <param name="groups">When given, Postfix's and smtp-source's CPU time are reported too (Postfix's tree must
    /// already be in its group; smtp-source joins its group before it starts).</param>
    public static async Task<Result> RunAsync(PostfixInstance postfix, string maildirNew, IReadOnlyList<int> pids, Load load, Action<string>? inspect = null, Groups? groups = null)
    {
        Clear(maildirNew);
        var cpuBefore = pids.Select(Cpu).ToList();
        var (postfixBefore, sourceBefore) = (groups?.Postfix.Usage, groups?.Source.Usage);
        var machineBefore = ProcessStats.MachineBusyTime();
        var stopwatch = Stopwatch.StartNew();
        var c = CultureInfo.InvariantCulture;
        List<string> args =
        [
            "-s", load.Concurrency.ToString(c), "-m", load.Messages.ToString(c), "-l", load.Size.ToString(c),
            "-f", load.From, "-t", load.To, "-M", "client.example.test",
        ];
        if (load.Subject is not null)
        {
            args.AddRange(["-S", load.Subject]);
        }

        args.Add($"127.0.0.1:{postfix.SmtpPort.ToString(c)}");
        var source = groups is null
            ? await ProcessRunner.RunAsync("/usr/sbin/smtp-source", args, timeout: TimeSpan.FromMinutes(30))
            : await ProcessRunner.RunAsync("/bin/sh", ["-c", "echo $$ > \"$0\" && exec /usr/sbin/smtp-source \"$@\"", groups.Source.ProcsFile, .. args], timeout: TimeSpan.FromMinutes(30));
        source.EnsureSuccess("smtp-source");

        // Done when every message is in new/; stuck when nothing new arrived for a minute.
        int delivered = 0;
        var lastProgress = stopwatch.Elapsed;
        for (int now; (now = Count(maildirNew)) < load.Messages; await Task.Delay(20))
        {
            if (now != delivered)
            {
                (delivered, lastProgress) = (now, stopwatch.Elapsed);
            }
            else if (stopwatch.Elapsed - lastProgress > TimeSpan.FromMinutes(1))
            {
                throw new TimeoutException($"{now} of {load.Messages} delivered into {maildirNew}, none for a minute; maillog:\n{string.Join('\n', postfix.Maillog.Split('\n').TakeLast(30))}");
            }
        }

        var elapsed = stopwatch.Elapsed;
        var cpu = pids.Select((pid, i) => Cpu(pid) - cpuBefore[i]).ToList();
        var machine = ProcessStats.MachineBusyTime() - machineBefore;
        var postfixCpu = groups is null ? (TimeSpan?)null : groups.Postfix.Usage - postfixBefore!.Value;
        var sourceCpu = groups is null ? (TimeSpan?)null : groups.Source.Usage - sourceBefore!.Value;
        if (inspect is not null)
        {
            inspect(Directory.EnumerateFiles(maildirNew).First());
        }

        Clear(maildirNew);
        return new Result(load.Messages, elapsed, cpu, machine, postfixCpu, sourceCpu);
    }

    private static TimeSpan Cpu(int pid) => pid == 0 ? TimeSpan.Zero : ProcessStats.CpuTime(pid);

    private static int Count(string dir) => Directory.Exists(dir) ? Directory.EnumerateFiles(dir).Count() : 0;

    private static void Clear(string dir)
    {
        if (Directory.Exists(dir))
        {
            foreach (var f in Directory.EnumerateFiles(dir))
            {
                File.Delete(f);
            }
        }
    }
}
