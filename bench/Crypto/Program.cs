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
using var bench = new SealOpenBenchmark(sizeMiB, recipients, iterations);
await bench.RunAsync();
var (sign, unwrap) = KeyOperationBenchmark.Run(TimeSpan.FromSeconds(3));

const double TargetMBps = 400;
const long TargetMemory = 64_000_000;
string Verdict(bool ok) => ok ? "meets" : "MISSES";
double sealRate = bench.Seal.MegabytesPerSecond(bench.ContentBytes);
double openRate = bench.Open.MegabytesPerSecond(bench.ContentBytes);
var inv = CultureInfo.InvariantCulture;
var report = string.Create(inv, $"""
## Crypto: envelope seal and open

Measured {DateTime.UtcNow:yyyy-MM-dd} on {Machine.Describe()}.
`dotnet run -c Release --project bench/Crypto -- --write docs/benchmarks.md` (file to file, content and spool on disk,
{iterations} runs after a warm-up, median and best; MB = 10^6 bytes; memory is peak RSS, VmHWM, above the RSS before the runs;
1-minute load average {loadBefore} before and {Machine.LoadAverage()} after: the machine's other work slows the numbers).

| operation | {sizeMiB} MiB, {recipients} recipients: median (best) | throughput: median (best) | peak memory above baseline | target |
|---|---|---|---|---|
| seal | {bench.Seal.MedianSeconds * 1000:F0} ms ({bench.Seal.BestSeconds * 1000:F0} ms) | {sealRate:F0} MB/s ({bench.Seal.BestMegabytesPerSecond(bench.ContentBytes):F0} MB/s) | {bench.Seal.PeakAboveBaselineBytes / 1e6:F1} MB | ≥ 400 MB/s, ≤ 64 MB: {Verdict(sealRate >= TargetMBps && bench.Seal.PeakAboveBaselineBytes <= TargetMemory)} |
| open | {bench.Open.MedianSeconds * 1000:F0} ms ({bench.Open.BestSeconds * 1000:F0} ms) | {openRate:F0} MB/s ({bench.Open.BestMegabytesPerSecond(bench.ContentBytes):F0} MB/s) | {bench.Open.PeakAboveBaselineBytes / 1e6:F1} MB | ≥ 400 MB/s, ≤ 64 MB: {Verdict(openRate >= TargetMBps && bench.Open.PeakAboveBaselineBytes <= TargetMemory)} |

The envelope is {bench.EnvelopeBytes - bench.ContentBytes:N0} bytes larger than the content.

In-process ceiling for mailfilter-authd's private-key operations (32 concurrent workers, {Environment.ProcessorCount} CPUs):

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
