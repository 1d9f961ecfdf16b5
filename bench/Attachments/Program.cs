using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;
using MailFilter.Bench;
using MailFilter.Lab;

// bench/Attachments [--quick] [--no-write]
// Downloads from mailfilter-authd's public listener (docs/attachments.md §5): one 100 MB attachment, whole, over loopback
// HTTP (decrypted from the filesystem store chunk by chunk; target at least 500 MB/s), and a 4 KiB attachment with 32
// concurrent clients (each GET checks the grant and counts the download in PostgreSQL). Needs root (PostgreSQL runs as
// the postgres user) and the Release build of src/AuthServer.
bool quick = args.Contains("--quick");
bool write = !args.Contains("--no-write");
const int clients = 32;
const int bigSize = 100 * 1000 * 1000;
const int smallSize = 4096;
const double target = 500;
int runs = quick ? 3 : 7;
var duration = TimeSpan.FromSeconds(quick ? 3 : 10);
var c = CultureInfo.InvariantCulture;
string stamp = Machine.Stamp();
string loadBefore = Machine.LoadAverage();

var directory = Directory.CreateTempSubdirectory("mailfilter-bench-attachments-").FullName;
await using var postgres = await PostgresInstance.StartAsync();
await postgres.CreateDatabaseAsync("mailfilter");
int port = FreePort.Next();
await using var authd = await AuthdInstance.StartAsync(new AuthdOptions
{
    Postgres = postgres,
    PublicPort = port,
    Directory = directory,
    RequestTimeout = TimeSpan.FromSeconds(60),
    Sections = $"""
        [attachments]
        path = {Path.Combine(directory, "store")}
        max_file_size = 200M
        link_base_url = http://127.0.0.1:{port.ToString(c)}
        gc_interval = 0
        [log]
        level = warning
        """,
});
var client = authd.Client;

async Task<string> GrantAsync(byte[] content, string name)
{
    var sha = Convert.ToHexStringLower(SHA256.HashData(content));
    var upload = Stopwatch.StartNew();
    await client.PutAttachmentAsync(sha, new MemoryStream(content), content.Length);
    Console.WriteLine($"{name}: stored {content.Length:N0} bytes in {upload.Elapsed.TotalMilliseconds:0} ms");
    var links = await client.CreateGrantsAsync(new GrantRequest
    {
        Sender = "alice@example.test",
        Recipients = ["bob@example.org"],
        Files = [new GrantFile { Sha256 = sha, FileName = name, ContentType = "application/octet-stream", Size = content.Length }],
    });
    return new Uri(links[0].Url).PathAndQuery;
}

var big = RandomNumberGenerator.GetBytes(bigSize);
var bigPath = await GrantAsync(big, "big.bin");
var small = RandomNumberGenerator.GetBytes(smallSize);
var smallPath = await GrantAsync(small, "small.bin");
big = [];

using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, UseProxy = false, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) };
using var http = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(c)}"), Timeout = TimeSpan.FromMinutes(5) };

// The 100 MB download, whole, read into a reused buffer (nothing kept): MB = 10^6 bytes.
var rates = new List<double>();
var buffer = new byte[1024 * 1024];
for (int run = 0; run <= runs; run++)
{
    var sw = Stopwatch.StartNew();
    using var response = await http.GetAsync(bigPath, HttpCompletionOption.ResponseHeadersRead);
    response.EnsureSuccessStatusCode();
    await using var body = await response.Content.ReadAsStreamAsync();
    long total = 0;
    int n;
    while ((n = await body.ReadAsync(buffer)) > 0)
    {
        total += n;
    }

    sw.Stop();
    if (total != bigSize)
    {
        throw new InvalidOperationException($"got {total} bytes of {bigSize}");
    }

    if (run > 0)
    {
        rates.Add(bigSize / 1e6 / sw.Elapsed.TotalSeconds); // run 0 warms up
    }

    Console.WriteLine($"  100 MB in {sw.Elapsed.TotalMilliseconds:0} ms");
}

rates.Sort();
double median = rates[rates.Count / 2], best = rates[^1], worst = rates[0];

// Small files, 32 clients, each sending its next request when the previous answer is in.
var samples = new List<double>[clients];
int failures = 0;
var warmUp = TimeSpan.FromSeconds(2);
var start = Stopwatch.GetTimestamp();
using (var stop = new CancellationTokenSource(warmUp + duration))
{
    await Task.WhenAll(Enumerable.Range(0, clients).Select(k => Task.Run(async () =>
    {
        var mine = samples[k] = new List<double>(100_000);
        while (!stop.IsCancellationRequested)
        {
            long t0 = Stopwatch.GetTimestamp();
            bool ok;
            try
            {
                var bytes = await http.GetByteArrayAsync(smallPath);
                ok = bytes.Length == smallSize;
            }
            catch (HttpRequestException)
            {
                ok = false;
            }

            if (Stopwatch.GetElapsedTime(start) < warmUp)
            {
                continue;
            }

            mine.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            if (!ok)
            {
                Interlocked.Increment(ref failures);
            }
        }
    })));
}

var all = samples.SelectMany(s => s).Order().ToList();
double perSecond = all.Count / duration.TotalSeconds;
string loadAfter = Machine.LoadAverage();

var report = $"""
    ### Attachment downloads

    {stamp}
    `bench/run.sh attachments`: mailfilter-authd (Release) with the filesystem store (content encrypted at rest in 64 KiB
    ChaCha20-Poly1305 chunks, docs/attachments.md §3) on a private PostgreSQL 15; the client is .NET's HttpClient over loopback
    keep-alive connections. **100 MB**: one random 100,000,000-byte attachment downloaded whole {runs} times after one warm-up
    download, the body read into a reused 1 MiB buffer; MB = 10^6 bytes. **Small files**: a 4 KiB attachment, {clients} concurrent
    clients for {duration.TotalSeconds.ToString(c)} s after a 2 s warm-up, each GET checking the token, grant and name and counting the
    download in PostgreSQL (one UPDATE per request). Client, authd and PostgreSQL share the machine's CPUs. 1-minute load
    average {loadBefore} before, {loadAfter} after. Targets (issue 7): at least 500 MB/s for the 100 MB file; requests/s reported.

    | download | result | p50 | p99 | failures | target |
    |---|---|---|---|---|---|
    | 100 MB, whole | {median.ToString("N0", c)} MB/s median (best {best.ToString("N0", c)}, worst {worst.ToString("N0", c)}) | | | 0 | {(median >= target ? "meets" : "misses")} |
    | 4 KiB, {clients} clients | {perSecond.ToString("N0", c)} requests/s | {Percentiles.Of(all, 50).ToString("0.00", c)} ms | {Percentiles.Of(all, 99).ToString("0.00", c)} ms | {failures} | context |
    """;
Console.WriteLine(report);
if (write)
{
    BenchmarkReport.Write(BenchmarkReport.DefaultPath, "attachments", "Attachments as links (issue 7)", "downloads", report);
}

Directory.Delete(directory, recursive: true);
return 0;
