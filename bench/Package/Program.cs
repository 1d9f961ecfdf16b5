using System.Diagnostics;
using System.Globalization;
using System.Text;
using MailFilter.Bench;
using MailFilter.Bench.Milter;
using MailFilter.Bench.Package;
using MailFilter.Lab;
using MailFilter.Milter;
using MailFilter.Milter.Client;
using MailFilter.Milter.Wire;

// bench/Package --deb PATH [--runs N] [--load-seconds S] [--no-write]
// The shipped binaries (the .deb extracted) started as systemd does (NOTIFY_SOCKET): time to READY=1 and idle RSS for
// mailfilterd and mailfilter-authd, mailfilterd's RSS under milter load, the package's size; the same start-up for the
// build output (framework-dependent, JIT only) beside it. Writes docs/benchmarks.md (bench:package) unless --no-write.
string? deb = null;
int runs = 5;
int loadSeconds = 10;
bool write = true;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--deb": deb = args[++i]; break;
        case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--load-seconds": loadSeconds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--no-write": write = false; break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 64;
    }
}

if (deb is null || !File.Exists(deb))
{
    Console.Error.WriteLine("give --deb artifacts/deb/mailfilterd_VERSION_amd64.deb (packaging/deb/build.sh makes it)");
    return 66;
}

var work = Directory.CreateTempSubdirectory("mailfilter-bench-package-").FullName;
File.SetUnixFileMode(work, (UnixFileMode)Convert.ToInt32("755", 8));
try
{
    var extracted = Path.Combine(work, "root");
    (await ProcessRunner.RunAsync("/usr/bin/dpkg-deb", "-x", deb, extracted)).EnsureSuccess("dpkg-deb -x");
    string Shipped(string program) => Path.Combine(extracted, "usr/lib/mailfilter", program, program);

    await using var postgres = await PostgresInstance.StartAsync();
    await postgres.CreateDatabaseAsync("bench");
    var milterSocket = Path.Combine(work, "milter.sock");
    var config = Path.Combine(work, "mailfilter.conf");
    File.WriteAllText(config, $"""
        [milter]
        listen = unix:{milterSocket}
        spool_directory = {work}

        [filter]
        hostname = bench.example.test

        [policy]
        local_domains = example.test
        sign = never
        encrypt = never

        [authd]
        socket = {Path.Combine(work, "authd.sock")}
        master_key = {Path.Combine(work, "master.key")}
        public_listen = none

        [database]
        host = {postgres.Host}
        port = {postgres.Port.ToString(CultureInfo.InvariantCulture)}
        name = bench
        user = {postgres.User}
        """);
    (await ProcessRunner.RunAsync(Shipped("mailfilter-authd"), "--config", config, "--create-master-key")).EnsureSuccess("master key");
    (await ProcessRunner.RunAsync(Shipped("mailfilter-authd"), "--config", config, "--migrate")).EnsureSuccess("migrate");

    var rows = new List<string>();
    var mappings = new List<string>();
    async Task<(double MedianMs, double MaxMs, long IdleRss)> StartupAsync(string executable, string form)
    {
        var times = new List<double>();
        long idle = 0;
        for (int r = 0; r < runs; r++)
        {
            await using var daemon = await NotifiedStart.StartAsync(executable, ["--config", config], work);
            times.Add(daemon.ToReady.TotalMilliseconds);
            await Task.Delay(TimeSpan.FromSeconds(3)); // idle: timers and the first GC settled
            idle = Math.Max(idle, daemon.Memory().Rss);
            if (r == runs - 1)
            {
                var line = $"{Path.GetFileName(executable)} ({form}): " +
                    string.Join(", ", daemon.Breakdown().Take(12).Select(m => $"{m.Mapping} {m.Kb}"));
                Console.WriteLine("largest idle mappings, KiB: " + line);
                mappings.Add(line);
            }
        }

        times.Sort();
        return (times[times.Count / 2], times[^1], idle);
    }

    foreach (var (program, shipped, build, form) in new[]
    {
        ("mailfilterd", Shipped("mailfilterd"), Repo.BuildOutput("src/Filter", "mailfilterd"), "self-contained, ReadyToRun"),
        ("mailfilter-authd", Shipped("mailfilter-authd"), Repo.BuildOutput("src/AuthServer", "mailfilter-authd"), "self-contained, ReadyToRun, trimmed"),
    })
    {
        var r2r = await StartupAsync(shipped, "package");
        Console.WriteLine($"{program} shipped: READY median {r2r.MedianMs:F0} ms (max {r2r.MaxMs:F0}), idle RSS {r2r.IdleRss / 1048576.0:F1} MiB");
        rows.Add($"| {program} | package ({form}) | {r2r.MedianMs:F0} ms | {r2r.MaxMs:F0} ms | {r2r.IdleRss / 1048576.0:F1} MiB |");
        var jit = await StartupAsync(build, "build output");
        Console.WriteLine($"{program} build output: READY median {jit.MedianMs:F0} ms (max {jit.MaxMs:F0}), idle RSS {jit.IdleRss / 1048576.0:F1} MiB");
        rows.Add($"| {program} | build output (framework-dependent, JIT) | {jit.MedianMs:F0} ms | {jit.MaxMs:F0} ms | {jit.IdleRss / 1048576.0:F1} MiB |");
    }

    // Under load: the milter-level benchmark's "add one header" mode (outbound, trace header only), 20 connections.
    const int connections = 20;
    await using var filter = await NotifiedStart.StartAsync(Shipped("mailfilterd"), ["--config", config], work);
    var endpoint = MilterEndpoint.Parse("unix:" + milterSocket);
    var message = RawMessage.Parse(Encoding.ASCII.GetBytes("From: alice@example.test\r\nTo: bob@example.test\r\nSubject: load\r\n\r\n" + new string('x', 2000) + "\r\n"));
    var stopwatch = Stopwatch.StartNew();
    long messages = 0;
    var workers = Enumerable.Range(0, connections).Select(async c =>
    {
        await using var client = await MilterClient.ConnectAsync(endpoint);
        await client.NegotiateAsync();
        var tx = OutboundTransaction.Create(message, c);
        while (stopwatch.Elapsed < TimeSpan.FromSeconds(loadSeconds))
        {
            var result = await client.SendMessageAsync(tx);
            if (result.Verdict.Code != MilterReplyCode.Continue)
            {
                throw new InvalidOperationException($"unexpected verdict {result.Verdict}");
            }

            Interlocked.Increment(ref messages);
        }

        await client.QuitAsync();
    }).ToArray();
    await Task.WhenAll(workers);
    var (rss, peak) = filter.Memory();
    double rate = messages / stopwatch.Elapsed.TotalSeconds;
    Console.WriteLine($"mailfilterd under load: {rate:F0} msg/s, RSS {rss / 1048576.0:F1} MiB, peak {peak / 1048576.0:F1} MiB");

    long debBytes = new FileInfo(deb).Length;
    long installedKb = long.Parse((await ProcessRunner.RunAsync("/usr/bin/dpkg-deb", "-f", deb, "Installed-Size")).Stdout.Trim(), CultureInfo.InvariantCulture);
    Console.WriteLine($"package: {debBytes / 1048576.0:F1} MiB, installed {installedKb / 1024.0:F1} MiB");

    var report = new StringBuilder();
    report.AppendLine(CultureInfo.InvariantCulture, $"{Machine.Describe()}; `bench/Package --deb {Path.GetFileName(deb)} --runs {runs} --load-seconds {loadSeconds}`, {DateTime.UtcNow:yyyy-MM-dd}.");
    report.AppendLine();
    report.AppendLine("Exec to READY=1 (sd_notify, as systemd's Type=notify sees it) and resident memory after 3 s idle; targets: READY within 1 s, idle RSS under 80 MB.");
    report.AppendLine();
    report.AppendLine("| daemon | binaries | READY (median) | READY (max) | idle RSS |");
    report.AppendLine("|---|---|---|---|---|");
    foreach (var row in rows)
    {
        report.AppendLine(row);
    }

    report.AppendLine();
    report.AppendLine("Where the idle memory is (/proc/PID/smaps, resident KiB by mapping, the last idle run of each; file-backed pages of the runtime are shared with any other process mapping the same files):");
    report.AppendLine();
    foreach (var line in mappings)
    {
        report.AppendLine("- " + line);
    }

    report.AppendLine();
    report.AppendLine(CultureInfo.InvariantCulture, $"mailfilterd under milter load ({connections} connections, 2 KB messages over persistent milter connections as in the milter-level benchmark, outbound with the trace header, {loadSeconds} s): {rate:F0} messages/s, RSS {rss / 1048576.0:F1} MiB at the end, peak {peak / 1048576.0:F1} MiB.");
    report.AppendLine();
    report.AppendLine(CultureInfo.InvariantCulture, $"Package: `{Path.GetFileName(deb)}` {debBytes / 1048576.0:F1} MiB (xz), installed {installedKb / 1024.0:F1} MiB (three self-contained programs; mailfilterctl's files identical to mailfilterd's as symlinks; mailfilter-authd trimmed, sharing nothing).");
    Console.WriteLine(report);
    if (write)
    {
        BenchmarkReport.Write(BenchmarkReport.DefaultPath, "package", "Package and daemons (issue 9)", "startup", report.ToString());
    }

    return 0;
}
finally
{
    Directory.Delete(work, true);
}
