using System.Globalization;
using MailFilter.Crypto;
using MailFilter.Crypto.Bench;

// dotnet run -c Release --project bench/Crypto -- [--write docs/benchmarks.md] [--size-mib 50] [--recipients 10] [--iterations 5]
var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p.a, p => p.i + 1 < args.Length ? args[p.i + 1] : string.Empty);
int sizeMiB = int.Parse(options.GetValueOrDefault("--size-mib", "50"), CultureInfo.InvariantCulture);
int recipients = int.Parse(options.GetValueOrDefault("--recipients", "10"), CultureInfo.InvariantCulture);
int iterations = int.Parse(options.GetValueOrDefault("--iterations", "5"), CultureInfo.InvariantCulture);

CryptoLibrary.EnsureInitialized();
var loadBefore = Machine.LoadAverage();
var tmpfs = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
using var bench = new SealOpenBenchmark(sizeMiB, recipients, iterations, tmpfs);
await bench.RunAsync();
using var disk = new SealOpenBenchmark(sizeMiB, recipients, iterations, Path.GetTempPath());
await disk.RunAsync();
var (sign, unwrap) = KeyOperationBenchmark.Run(TimeSpan.FromSeconds(3));

const double TargetMBps = 400;
const long TargetMemory = 64_000_000;
var inv = CultureInfo.InvariantCulture;
string Verdict(double rate, SealOpenBenchmark.Result r) => rate >= TargetMBps && r.PeakAboveBaselineBytes <= TargetMemory ? "meets" : "MISSES";
string Row(string operation, string output, SealOpenBenchmark.Result r, bool judged)
{
    long n = bench.ContentBytes;
    string verdict = judged ? $"wall (best): {Verdict(r.BestMegabytesPerSecond(n), r)}; CPU: {Verdict(r.MegabytesPerCpuSecond(n), r)}" : "context";
    return string.Create(inv,
        $"| {operation} | {output} | {r.MedianSeconds * 1000:F0} ms ({r.BestSeconds * 1000:F0} ms) | {r.MegabytesPerSecond(n):F0} MB/s ({r.BestMegabytesPerSecond(n):F0} MB/s) | {r.MegabytesPerCpuSecond(n):F0} MB/s | {r.PeakAboveBaselineBytes / 1e6:F1} MB | {verdict} |");
}

var report = string.Create(inv, $"""
## Crypto: envelope seal and open

Measured {DateTime.UtcNow:yyyy-MM-dd} on {Machine.Describe()}.
`dotnet run -c Release --project bench/Crypto -- --write docs/benchmarks.md`: one {sizeMiB} MiB message for {recipients} recipients,
read from a file; the envelope (seal) and the opened content (open) written to a file on tmpfs ({tmpfs}), then again to a
file on disk ({Path.GetTempPath()}), whose block allocation is the file system's cost, not the library's. {iterations} runs after a
warm-up, median and (best); MB = 10^6 bytes; "per CPU second" divides by the process's CPU time (all threads, GC
included), which other processes on this shared machine do not inflate; memory is peak RSS (VmHWM) above the RSS before
the runs. 1-minute load average {loadBefore} before, {Machine.LoadAverage()} after (2 CPUs). Target (issue 4): ≥ 400 MB/s
each way, ≤ 64 MB above baseline.

| operation | output | wall time: median (best) | throughput: median (best) | per CPU second (median) | peak memory above baseline | target |
|---|---|---|---|---|---|---|
{Row("seal", "tmpfs", bench.Seal, true)}
{Row("open", "tmpfs", bench.Open, true)}
{Row("seal", "disk", disk.Seal, false)}
{Row("open", "disk", disk.Open, false)}

The envelope is {bench.EnvelopeBytes - bench.ContentBytes:N0} bytes larger than the content.

In-process ceiling for mailfilter-authd's private-key operations (32 concurrent workers, {Environment.ProcessorCount} CPUs; the
unwrap writes the file key to a caller's buffer, as authd will):

| operation | per second |
|---|---|
| sign a 141-byte envelope transcript (Ed25519) | {sign:N0} |
| unwrap a file key from a hinted X25519 stanza | {unwrap:N0} |
""");
Console.WriteLine(report);
if (options.TryGetValue("--write", out var path) && path.Length > 0)
{
    ReportWriter.Write(path, report);
    Console.WriteLine("written to " + path);
}
