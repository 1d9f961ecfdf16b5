using MailFilter.Bench;
using System.Diagnostics;
using System.Globalization;
using MailFilter.Mime.Bench;
using MailFilter.Mime.Fuzzing;

// dotnet run -c Release --project bench/Mime -- bench [--write docs/benchmarks.md]
// dotnet run -c Release --project bench/Mime -- fuzz [--cases 1000000] [--seed 1] [--write docs/benchmarks.md]
var mode = args.Length > 0 ? args[0] : "bench";
var write = Option("--write");
var culture = CultureInfo.InvariantCulture;
switch (mode)
{
    case "bench":
        return Bench();
    case "fuzz":
        return Fuzz();
    case "memory-child":
        Console.WriteLine(RoundTripBenchmark.PeakAboveBaseline(args[1]).ToString(culture));
        return 0;
    default:
        Console.Error.WriteLine("usage: bench [--write FILE] | fuzz [--cases N] [--seed S] [--write FILE]");
        return 64;
}

int Bench()
{
    var small = SampleMessages.Small();
    var perSecond = RoundTripBenchmark.SmallPerSecond(small, 5, TimeSpan.FromSeconds(3));
    var path = Path.Combine(Path.GetTempPath(), "mailfilter-mime-bench-" + Environment.ProcessId + ".eml");
    try
    {
        SampleMessages.WriteLarge(path);
        var size = new FileInfo(path).Length;
        var seconds = RoundTripBenchmark.LargeSeconds(path, 5);
        var mbPerSecond = size / 1e6 / seconds;
        var decode = RoundTripBenchmark.DecodeMegabytesPerSecond(path, 3);
        var peak = PeakInChildProcess(path);
        var report = string.Create(culture, $"""
            ### Round trip (parse + write), one thread

            Measured {DateTime.UtcNow:yyyy-MM-dd} on {Machine.Describe()}; load average {Machine.LoadAverage()} at the start.
            `dotnet run -c Release --project bench/Mime -- bench --write docs/benchmarks.md` (median of 5 runs after a warm-up;
            MB = 10^6 bytes; the large message is read from a file through a FileStream and written to a counting sink;
            memory is peak RSS (VmHWM) above the RSS before the run, in a fresh process).

            | case | result | target |
            |---|---|---|
            | {small.Length:N0}-byte multipart/alternative message, parse + write | {perSecond:N0} messages/s | ≥ 50,000/s: {(perSecond >= 50_000 ? "meets" : "MISSES")} |
            | {size / 1e6:F1} MB message with one base64 attachment, parse + write | {seconds * 1000:F0} ms, {mbPerSecond:N0} MB/s | ≥ 300 MB/s: {(mbPerSecond >= 300 ? "meets" : "MISSES")} |
            | peak memory round-tripping it | {peak / 1e6:F1} MB above baseline | ≤ 64 MB: {(peak <= 64L << 20 ? "meets" : "MISSES")} |
            | decoding its attachment (streamed, for reference) | {decode:N0} MB/s of base64 | — |
            """);
        Console.WriteLine(report);
        if (write is not null)
        {
            BenchmarkReport.Write(write, "mime", "MIME engine (issue 3)", "throughput", report);
        }

        return perSecond >= 50_000 && mbPerSecond >= 300 && peak <= 64L << 20 ? 0 : 1;
    }
    finally
    {
        File.Delete(path);
    }
}

int Fuzz()
{
    var cases = long.Parse(Option("--cases") ?? "1000000", culture);
    var seed = int.Parse(Option("--seed") ?? "1", culture);
    var seeds = Seeds.Corpus();
    var runner = new FuzzRunner(seeds, seed) { HangLimit = TimeSpan.FromSeconds(30) };
    var lastPrint = Stopwatch.StartNew();
    var result = runner.Run(cases, line =>
    {
        if (lastPrint.Elapsed > TimeSpan.FromSeconds(30))
        {
            Console.Error.WriteLine(line);
            lastPrint.Restart();
        }
    });
    foreach (var failure in result.Failures.Take(50))
    {
        Console.WriteLine("FAIL " + failure);
    }

    var report = string.Create(culture, $"""
        ### Mutation fuzzing

        Run {DateTime.UtcNow:yyyy-MM-dd} on {Machine.Describe()}:
        `dotnet run -c Release --project bench/Mime -- fuzz --cases {cases} --seed {seed} --write docs/benchmarks.md`.
        Inputs: the {seeds.Count} corpus files with 1 to 4 mutations each (byte flips, truncation, deleted delimiter lines,
        duplicated header fields, stray delimiters, inserted multipart/message/encoding fields and delimiters, changed
        line breaks, splices, duplicated lines). Each case parses, reads every header and entity, decodes every leaf,
        checks the bytes write back identically (whole and piece by piece), replaces a part and reads the result back,
        and for one case in eight compares the reader's events under random chunking. Allowed exception:
        MimeFormatException only; a case running over {runner.HangLimit.TotalSeconds:F0} s counts as a hang.

        | cases | failures | slowest case | wall time ({runner.Workers} workers) |
        |---|---|---|---|
        | {result.Cases:N0} | {result.Failures.Count} | {result.Slowest.TotalMilliseconds:N0} ms | {result.Elapsed.TotalMinutes:F1} min |
        """);
    Console.WriteLine(report);
    if (write is not null)
    {
        BenchmarkReport.Write(write, "mime", "MIME engine (issue 3)", "fuzz", report);
    }

    return result.Failures.Count == 0 ? 0 : 1;
}

long PeakInChildProcess(string path)
{
    var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
    psi.ArgumentList.Add("memory-child");
    psi.ArgumentList.Add(path);
    using var child = Process.Start(psi)!;
    var output = child.StandardOutput.ReadToEnd();
    child.WaitForExit();
    return long.Parse(output.Trim(), culture);
}

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
