using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;
using MailFilter.AuthClient.Registry;
using MailFilter.Bench;
using MailFilter.Lab;

// bench/Registry [--quick] [--no-write] [--rows N]
// The default 10 million rows write docs/benchmarks.md's "lookups" block; another --rows its own block beside it
// (issue 6 asks lookups to stay fast at 100 million: `--rows 100000000`, about 46 GB and an hour to generate).
// Registry lookups through mailfilter-authd's public HTTP API with 32 concurrent clients on a table of 10 million
// generated registrations (issue 6: at least 5,000 lookups/s, p99 reported), and registrations per second through the
// socket as the milter makes them. Needs root (PostgreSQL runs as the postgres user) and the Release build of src/AuthServer.
bool quick = args.Contains("--quick");
bool write = !args.Contains("--no-write");
int rows = args.SkipWhile(a => a != "--rows").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(quick ? 100_000 : 10_000_000);
const int clients = 32;
const double target = 5_000;
var duration = TimeSpan.FromSeconds(quick ? 3 : 10);
var c = CultureInfo.InvariantCulture;
string stamp = Machine.Stamp();
string loadBefore = Machine.LoadAverage();

await using var postgres = await PostgresInstance.StartAsync();
await postgres.CreateDatabaseAsync("mailfilter");
await using var authd = await AuthdInstance.StartAsync(new AuthdOptions
{
    Postgres = postgres,
    Sections = "[registry]\nquery_rate = 0\nreminder_check = 0\n[log]\nlevel = warning",
});
int port = authd.PublicPort;

// The table: sender i%1000, recipient bob, one date, the signature of row i; as RegistryService writes them.
var generate = Stopwatch.StartNew();
// Generated in batches of a million rows: one statement each, so no single one runs for minutes.
(await postgres.PsqlAsync("mailfilter", "INSERT INTO addresses (address, domain, registration_state, confirmed_at) VALUES ('alice@example.test', 'example.test', 'confirmed', now())"))
    .EnsureSuccess("confirm alice");
for (int from = 1; from <= rows; from += 1_000_000)
{
    int to = Math.Min(rows, from + 999_999);
    (await ProcessRunner.RunAsync(Path.Combine(postgres.BinDirectory, "psql"),
        ["-h", postgres.Host, "-p", postgres.Port.ToString(c), "-U", postgres.User, "-d", "mailfilter", "-v", "ON_ERROR_STOP=1", "-At", "-c", $"""
            INSERT INTO registrations (confirmation_no, sender, recipients, message_date, signature, message_id, registered_at, expires_at)
            SELECT '2026112109s' || (i % 1000) || '@example.test' || lpad(to_hex(i), 16, '0'), 's' || (i % 1000) || '@example.test', ARRAY['bob@example.test'],
                   timestamptz '2026-11-21 09:52:01+00', lpad(to_hex(i), 128, '0'), 'm' || i || '@example.test', now(), now() + interval '400 days'
            FROM generate_series({from.ToString(c)}, {to.ToString(c)}) AS i
            """], timeout: TimeSpan.FromMinutes(15))).EnsureSuccess($"generate registrations {from}-{to}");
    Console.WriteLine($"  {to:N0} rows");
}

(await postgres.PsqlAsync("mailfilter", "ANALYZE registrations")).EnsureSuccess("analyze");
generate.Stop();
var size = (await postgres.PsqlAsync("mailfilter", "SELECT pg_size_pretty(pg_total_relation_size('registrations'))")).Stdout.Trim();
Console.WriteLine($"{rows:N0} rows generated in {generate.Elapsed.TotalSeconds:0} s ({size})");

using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, UseProxy = false, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) };
using var http = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(c)}") };
var lookups = await ClosedLoop.RunAsync(clients, duration, random => Expected(async () =>
{
    int i = random.Next(1, rows + 1);
    var query = new RegistryQuery
    {
        Sender = $"s{i % 1000}@example.test",
        Recipient = "bob@example.test",
        Date = "2026-11-21T09:52:01Z",
        ConfirmationNo = $"2026112109s{i % 1000}@example.test{i:x16}",
        Signature = i.ToString("x", c).PadLeft(128, '0'),
    };
    using var response = await http.PostAsJsonAsync(AuthdRoutes.PublicRegistryVerify, query, AuthdJson.Default.RegistryQuery);
    var answer = await response.Content.ReadFromJsonAsync(AuthdJson.Default.RegistryAnswer);
    return answer?.Result == RegistryAnswer.Match;
}));
Console.WriteLine($"lookups: {lookups}");

var client = authd.Client;
var inserts = await ClosedLoop.RunAsync(clients, duration, random => Expected(async () =>
{
    var answer = await client.RegisterMessageAsync(new RegisterMessageRequest
    {
        Sender = "alice@example.test",
        Recipients = ["bob@example.test", "carol@example.test"],
        Date = DateTimeOffset.UtcNow,
        Signature = RegistrySignature.FromBytes(RandomNumberGenerator.GetBytes(64)),
        MessageId = $"<{Guid.NewGuid():N}@example.test>",
    });
    return answer.Registered;
}));
Console.WriteLine($"registrations: {inserts}");

var report = $"""
    ### Registry lookups and registrations{(rows == 10_000_000 ? "" : $" at {rows.ToString("N0", c)} rows")}

    {stamp}
    `bench/run.sh registry`: mailfilter-authd (Release) on a private PostgreSQL 15 with {rows:N0} registrations generated by
    `generate_series` ({size} with indexes; generated in {generate.Elapsed.TotalSeconds.ToString("0", c)} s). **Lookups**: {clients} concurrent clients
    POST `/.well-known/mailfilter/v1/registry/verify` (docs/registry.md §4.2) to the public listener on loopback over keep-alive
    connections, each query a random existing registration with its matching values (rate limit off, `query_rate = 0`).
    **Registrations**: {clients} concurrent callers of `POST /v1/registry/register` on the socket through one `AuthdClient`, as
    mailfilterd's register stage makes them (two recipients, a fresh signature each). {duration.TotalSeconds.ToString(c)} s per row after a
    2 s warm-up, each client sending its next request when the answer to the previous one arrived; clients, authd and
    PostgreSQL share the machine's CPUs. 1-minute load average {loadBefore} before, {Machine.LoadAverage()} after. Target
    (issue 6): at least 5,000 lookups/s, p99 reported.

    | operation | per second | p50 | p99 | p99.9 | unexpected answers | target |
    |---|---|---|---|---|---|---|
    | lookup (public HTTP API) | {lookups.PerSecond.ToString("N0", c)} | {lookups.P50.ToString("0.00", c)} ms | {lookups.P99.ToString("0.00", c)} ms | {lookups.P999.ToString("0.00", c)} ms | {lookups.Failures} | {(rows != 10_000_000 ? "context (the 5,000/s target is at 10 million rows)" : lookups.PerSecond >= target ? "meets" : "misses")} |
    | registration (socket) | {inserts.PerSecond.ToString("N0", c)} | {inserts.P50.ToString("0.00", c)} ms | {inserts.P99.ToString("0.00", c)} ms | {inserts.P999.ToString("0.00", c)} ms | {inserts.Failures} | context |
    """;
Console.WriteLine(report);
if (write)
{
    BenchmarkReport.Write(BenchmarkReport.DefaultPath, "registry", "Registered mail: the registry (issue 6)",
        rows == 10_000_000 ? "lookups" : $"lookups-{rows.ToString(c)}", report);
}

return 0;

// An answer the benchmark did not expect, or a request that failed, counts against the row (it is not thrown).
static async Task<bool> Expected(Func<Task<bool>> request)
{
    try
    {
        return await request();
    }
    catch (Exception e) when (e is HttpRequestException or AuthdException)
    {
        return false;
    }
}
