using System.Diagnostics;
using System.Globalization;
using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;
using MailFilter.Bench;
using MailFilter.Lab;
using MailFilter.Milter;
using MailFilter.Milter.Client;
using MailFilter.Milter.Wire;

// bench/Conflicts [--quick] [--no-write] [--rows N]
// 1. RCPT-time whitelist decisions through mailfilterd's milter: 20 users under egress = whitelist with 10,000 entries
//    each; 32 milter connections, each MAIL from a random user then 10 RCPTs (half listed, half not), as Postfix's smtpd
//    sends them. 2. The conflict check per delivered message: POST /v1/conflicts/observe (the delivery agent's call) by
//    32 concurrent callers with 10 million observations stored. Needs root and the Release builds of authd and mailfilterd.
bool quick = args.Contains("--quick");
bool write = !args.Contains("--no-write");
int rows = args.SkipWhile(a => a != "--rows").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(quick ? 100_000 : 10_000_000);
const int clients = 32;
const int users = 20;
const int entries = 10_000;
const int rcptsPerMessage = 10;
var duration = TimeSpan.FromSeconds(quick ? 3 : 10);
var c = CultureInfo.InvariantCulture;
string stamp = Machine.Stamp();
string loadBefore = Machine.LoadAverage();

var directory = Directory.CreateTempSubdirectory("mailfilter-bench-conflicts-").FullName;
await using var postgres = await PostgresInstance.StartAsync();
await postgres.CreateDatabaseAsync("mailfilter");
var milterSocket = Path.Combine(directory, "milter.sock");
// One configuration file for both daemons, as in /etc/mailfilter/mailfilter.conf: authd's, with mailfilterd's sections.
await using var authd = await AuthdInstance.StartAsync(new AuthdOptions
{
    Postgres = postgres,
    Directory = directory,
    PublicListener = false,
    Sections = $"""
        [registry]
        reminder_check = 0
        [milter]
        listen = unix:{milterSocket}
        [filter]
        hostname = mx.example.test
        authd_socket = {Path.Combine(directory, "authd.sock")}
        [policy]
        local_domains = example.test
        sign = never
        encrypt = never
        egress = whitelist
        [log]
        level = warning
        """,
});
var config = authd.ConfigPath;

async Task Sql(string sql, string what) =>
    (await ProcessRunner.RunAsync(Path.Combine(postgres.BinDirectory, "psql"),
        ["-h", postgres.Host, "-p", postgres.Port.ToString(c), "-U", postgres.User, "-d", "mailfilter", "-v", "ON_ERROR_STOP=1", "-At", "-c", sql],
        timeout: TimeSpan.FromMinutes(20))).EnsureSuccess(what);

// --- 1. Whitelist decisions through the milter ---
// Users and lists written as WhitelistRepository writes them (the hash is a placeholder: nobody logs in here).
await Sql($"""
    INSERT INTO users (name, password_hash, kind, whitelist_version) SELECT 'u' || u || '@example.test', '$argon2id$bench', 'internal', 1 FROM generate_series(1, {users}) u;
    INSERT INTO user_addresses (address, user_id) SELECT name, id FROM users;
    INSERT INTO whitelist_entries (user_id, target_kind, target, name, version)
        SELECT u.id, 'address', 'c' || e || '@ext' || (e % 100) || '.example', 'Contact ' || e, 1 FROM users u, generate_series(1, {entries}) e;
    ANALYZE users; ANALYZE user_addresses; ANALYZE whitelist_entries;
    """, "generate whitelists");
var mailfilterd = await DaemonProcess.StartMailfilterdAsync("unix:" + milterSocket, Path.Combine(directory, "mailfilterd.log"), "--config", config);
var endpoint = MilterEndpoint.Parse("unix:" + milterSocket);
var decisions = await ClosedLoop.RunAsync(clients, duration, async (n, random, record) =>
{
    var milter = await MilterClient.ConnectAsync(endpoint); // lives as long as the worker (the process ends after the run)
    await milter.NegotiateAsync();
    await milter.SendMacrosAsync(MilterCommand.Connect, null);
    await milter.ConnectAsync("client.example.test", ConnectFamily.Inet, 4711, "192.0.2.1");
    await milter.HeloAsync("client.example.test");
    return async () =>
    {
        int user = random.Next(1, users + 1);
        await milter.SendMacrosAsync(MilterCommand.Mail, new Dictionary<string, string> { ["{auth_authen}"] = "u" + user.ToString(c) });
        await milter.MailFromAsync([$"<u{user.ToString(c)}@example.test>"]);
        for (int r = 0; r < rcptsPerMessage; r++)
        {
            int contact = random.Next(1, entries + 1);
            bool listed = r % 2 == 0;
            long t0 = Stopwatch.GetTimestamp();
            var reply = await milter.RecipientAsync([listed ? $"<c{contact.ToString(c)}@ext{(contact % 100).ToString(c)}.example>" : $"<stranger{contact.ToString(c)}@elsewhere.example>"]);
            bool continued = reply is null || reply.IsContinue;
            record(Stopwatch.GetElapsedTime(t0).TotalMilliseconds, continued == listed);
        }

        await milter.AbortAsync();
    };
});
Console.WriteLine($"whitelist decisions: {decisions}");
await mailfilterd.DisposeAsync();

// --- 2. The conflict check with 10 million observations ---
// 200,000 identities of peer domains, each with one key and one sending host, to 5,000 recipients, spread over the last
// day (the default retention); the history table holds each (identity, recipient, host) seen.
var generate = Stopwatch.StartNew();
const int identities = 200_000;
const int recipients = 5_000;
for (int from = 1; from <= rows; from += 1_000_000)
{
    int to = Math.Min(rows, from + 999_999);
    await Sql($"""
        INSERT INTO observations (observed_at, kind, identity, kid, client_addr, helo, recipient, queue_id, verified)
        SELECT now() - (g % 86400) * interval '1 second', 'delivery', 's' || (g % {identities}) || '@peer' || (g % 50) || '.example',
               substring(decode(md5('k' || (g % {identities})), 'hex') FROM 1 FOR 16), '10.0.0.0'::inet + (g % {identities}), 'mx.peer.example',
               'r' || (g % {recipients}) || '@example.test', 'Q' || g, true
        FROM generate_series({from.ToString(c)}, {to.ToString(c)}) AS g
        """, $"generate observations {from}-{to}");
    Console.WriteLine($"  {to:N0} observations");
}

await Sql("""
    INSERT INTO observation_history (identity, recipient, client_addr, first_seen, last_seen, sessions, last_kid, last_helo)
    SELECT identity, recipient, client_addr, min(observed_at), max(observed_at), count(*), (array_agg(kid))[1], 'mx.peer.example'
    FROM observations GROUP BY identity, recipient, client_addr;
    ANALYZE observations; ANALYZE observation_history;
    """, "history");
generate.Stop();
var size = (await postgres.PsqlAsync("mailfilter", "SELECT pg_size_pretty(pg_total_relation_size('observations')) || ' + ' || pg_size_pretty(pg_total_relation_size('observation_history'))")).Stdout.Trim();
Console.WriteLine($"{rows:N0} observations generated in {generate.Elapsed.TotalSeconds:0} s ({size})");

var client = authd.Client;
var observe = await ClosedLoop.RunAsync(clients, duration, (n, random, record) => Task.FromResult<Func<Task>>(async () =>
{
    int g = random.Next(1, rows + 1);
    int identity = g % identities;
    var kid = System.Security.Cryptography.MD5.HashData(System.Text.Encoding.ASCII.GetBytes("k" + identity.ToString(c)));
    long t0 = Stopwatch.GetTimestamp();
    var decision = await client.ObserveAsync(new ObservationRequest
    {
        Identity = $"s{identity.ToString(c)}@peer{(g % 50).ToString(c)}.example",
        Kid = Convert.ToBase64String(kid).TrimEnd('='),
        ClientAddress = "10." + ((identity >> 16) & 255).ToString(c) + "." + ((identity >> 8) & 255).ToString(c) + "." + (identity & 255).ToString(c),
        Helo = "mx.peer.example",
        Recipient = $"r{(g % recipients).ToString(c)}@example.test",
        QueueId = "B" + g.ToString(c),
        Verified = true,
    });
    record(Stopwatch.GetElapsedTime(t0).TotalMilliseconds, decision.Action == ObservationDecision.Deliver);
}));
Console.WriteLine($"conflict check: {observe}");

var report = $"""
    ### Whitelist decisions and the conflict check

    {stamp}
    `bench/run.sh conflicts`: mailfilter-authd and mailfilterd (Release) on a private PostgreSQL 15, clients, daemons and
    PostgreSQL sharing the machine's CPUs. 1-minute load average {loadBefore} before, {Machine.LoadAverage()} after.
    **Whitelist** (docs/whitelist.md §5): {users} users under `egress = whitelist`, {entries:N0} entries each; {clients} milter
    connections to mailfilterd, each sending MAIL from a random user (authenticated) and then {rcptsPerMessage} RCPTs, half listed
    (accepted) and half not (550 5.7.1), as Postfix's smtpd does; each RCPT is one `POST /v1/whitelist/check` to authd. A
    "wrong" answer is a listed recipient refused or an unlisted one accepted. **Conflict check** (docs/conflicts.md §5):
    {rows:N0} observations ({identities:N0} identities, {recipients:N0} recipients, spread over the last day) and their
    history ({size}, generated in {generate.Elapsed.TotalSeconds.ToString("0", c)} s); {clients} concurrent callers of
    `POST /v1/conflicts/observe` through one `AuthdClient`, as the delivery agent calls it once per signed message and
    recipient (insert, history upsert, blacklist and window lookups under the pair's lock; a "wrong" answer is anything
    but deliver). {duration.TotalSeconds.ToString(c)} s per row after a 2 s warm-up.

    | operation | per second | p50 | p99 | p99.9 | wrong answers |
    |---|---|---|---|---|---|
    | RCPT decision through the milter | {decisions.PerSecond.ToString("N0", c)} | {decisions.P50.ToString("0.00", c)} ms | {decisions.P99.ToString("0.00", c)} ms | {decisions.P999.ToString("0.00", c)} ms | {decisions.Failures} |
    | conflict check per delivered message | {observe.PerSecond.ToString("N0", c)} | {observe.P50.ToString("0.00", c)} ms | {observe.P99.ToString("0.00", c)} ms | {observe.P999.ToString("0.00", c)} ms | {observe.Failures} |
    """;
Console.WriteLine(report);
if (write)
{
    BenchmarkReport.Write(BenchmarkReport.DefaultPath, "conflicts", "Whitelists and forged signature claims (issue 8)", "results", report);
}

Directory.Delete(directory, recursive: true);
return 0;
