using MailFilter.Bench;
using MailFilter.Bench.Milter;

// bench/Milter [milter|sessions|postfix|all|pipeline|compare OTHER_MAILFILTERD [unix|inet]] [--quick]
// milter, sessions, postfix (all = the three): issue 2's tables, in docs/benchmarks.md section bench:milter. pipeline: issue 5's
// whole path (sign, encrypt, delivery through the agent), section bench:pipeline; it needs the Release builds of
// src/Filter and src/AuthServer. Needs root for the Postfix parts.
string mode = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
if (mode == "null-milter")
{
    // The Postfix benchmark's null milter, started by it as a child process: bench/Milter null-milter SOCKET.
    return await NullMilter.ServeAsync(args[1]);
}

bool quick = args.Contains("--quick");
// Every mode's files (Postfix's queue and Maildirs, PostgreSQL, the daemons' spools and sockets) go on a journaled file
// system made for the run (bench/Milter/MailDisk.cs); it is unmounted when the program ends.
await using var disk = await MailDisk.MountAsync();
if (mode == "compare")
{
    // bench/Milter compare OTHER_MAILFILTERD [unix|inet] [--quick]: this build against another, behind one Postfix.
    var rest = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).Skip(1).ToList();
    if (rest.Count == 0 || !File.Exists(rest[0]))
    {
        Console.Error.WriteLine("usage: bench/Milter compare OTHER_MAILFILTERD [unix|inet] [--quick] (OTHER_MAILFILTERD: the mailfilterd executable of another build)");
        return 64;
    }

    var compareDir = Directory.CreateTempSubdirectory("mailfilter-compare-").FullName;
    File.SetUnixFileMode(compareDir, (UnixFileMode)Convert.ToInt32("755", 8));
    try
    {
        await CompareBenchmark.RunAsync(compareDir, Path.GetFullPath(rest[0]), rest.ElementAtOrDefault(1) ?? "unix", quick ? 1 : 7, quick ? 500 : 3000);
        return 0;
    }
    finally
    {
        Directory.Delete(compareDir, true);
    }
}

var workDir = Directory.CreateTempSubdirectory("mailfilter-bench-").FullName;
File.SetUnixFileMode(workDir, (UnixFileMode)Convert.ToInt32("755", 8));
try
{
    if (mode is "milter" or "all")
    {
        var duration = TimeSpan.FromSeconds(quick ? 2 : 5);
        Console.WriteLine("milter level:");
        var rows = await MilterLevelBenchmark.RunAsync(duration, workDir);
        BenchmarkReport.Write(BenchmarkReport.DefaultPath, "milter", "Milter listener (issue 2)", "milter-level", MilterLevelBenchmark.Format(rows, duration));
    }

    if (mode is "sessions" or "all")
    {
        int rounds = quick ? 1 : 3;
        var perRate = TimeSpan.FromSeconds(quick ? 2 : 8);
        Console.WriteLine("one connection per message, against the session rate:");
        var rows = await SessionRateBenchmark.RunAsync(workDir, rounds, perRate);
        BenchmarkReport.Write(BenchmarkReport.DefaultPath, "milter", "Milter listener (issue 2)", "sessions", SessionRateBenchmark.Format(rows, rounds, perRate));
    }

    if (mode is "postfix" or "all")
    {
        int rounds = quick ? 1 : 5;
        int atTen = quick ? 500 : 3000;
        int atOne = quick ? 100 : 300;
        const int size = 2048;
        Console.WriteLine("through Postfix:");
        var runs = await PostfixBenchmark.RunAsync(workDir, rounds, atTen, atOne, size);
        BenchmarkReport.Write(BenchmarkReport.DefaultPath, "milter", "Milter listener (issue 2)", "postfix", PostfixBenchmark.Format(runs, rounds, atTen, atOne, size));
    }

    if (mode is "pipeline")
    {
        int rounds = quick ? 1 : 5;
        (int Size, int Messages)[] sizes = quick ? [(10 * 1024, 100), (1024 * 1024, 10)] : [(10 * 1024, 2000), (1024 * 1024, 200)];
        string stamp = Machine.Stamp();
        Console.WriteLine("pipeline through Postfix:");
        var rows = await PipelineBenchmark.RunAsync(sizes, rounds);
        BenchmarkReport.Write(BenchmarkReport.DefaultPath, "pipeline", "Sign, encrypt and deliver through Postfix (issue 5)", "postfix", PipelineBenchmark.Format(rows, sizes, rounds, quick, stamp));
    }

    Console.WriteLine($"results written to {BenchmarkReport.DefaultPath}");
    return 0;
}
finally
{
    Directory.Delete(workDir, true);
}
