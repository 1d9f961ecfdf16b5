using MailFilter.Bench;
using MailFilter.Bench.Milter;

// bench/Milter [milter|postfix|all] [--quick]
// Writes its tables into docs/benchmarks.md (section bench:milter). Needs root for the Postfix part.
string mode = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
bool quick = args.Contains("--quick");
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

    Console.WriteLine($"results written to {BenchmarkReport.DefaultPath}");
    return 0;
}
finally
{
    Directory.Delete(workDir, true);
}
