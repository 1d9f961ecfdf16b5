using System.Diagnostics;
using System.Globalization;
using System.Text;
using MailFilter.Bench;
using MailFilter.Bench.Outbound;
using MailFilter.Milter;
using MailFilter.Milter.Client;
using MailFilter.Milter.Wire;

// bench/Outbound [--quick] [--no-write] [--size BYTES] | links [--quick] [--no-write]
// links: issue 7, the links stage's cost for a 20 MB attachment and mailfilterd's peak memory (LinksBenchmark.cs).
// Issue 5: the milter-level latency mailfilterd's outbound stages add for a 10 KB message (target: p99 of
// sign + encrypt under 10 ms), with keys in a real mailfilter-authd on PostgreSQL. Needs root (PostgreSQL
// runs as the postgres user) and the Release builds of src/Filter and src/AuthServer.
if (args.Contains("links"))
{
    return await LinksBenchmark.RunAsync(args.Contains("--quick"), !args.Contains("--no-write"));
}

bool quick = args.Contains("--quick");
bool write = !args.Contains("--no-write");
int messages = quick ? 500 : 3000;
// --size measures another message size (for a look, e.g. under perf); the report's target is about 10 KB.
int sizeAt = Array.IndexOf(args, "--size");
int size = sizeAt >= 0 ? int.Parse(args[sizeAt + 1], CultureInfo.InvariantCulture) : 10 * 1024;
string stamp = Machine.Stamp();
var modes = new (string Name, string Label, string Policy)[]
{
    ("baseline", "outbound, nothing to do (sign = never, encrypt = never: trace header only)", "sign = never\nencrypt = never"),
    ("sign", "sign only (encrypt = never)", "sign = always\nencrypt = never"),
    ("sign-encrypt", "sign + encrypt (2 recipients)", "sign = always\nencrypt = required"),
};
var rows = new List<Row>();
await using (var lab = await OutboundBenchLab.StartAsync())
{
    foreach (var (name, label, policy) in modes)
    {
        var (daemon, socket) = await lab.StartMailfilterdAsync(name, policy);
        await using (daemon)
        {
            var endpoint = MilterEndpoint.Parse("unix:" + socket);
            await MeasureAsync(endpoint, size, 200, daemon.Pid); // warm-up: JIT, pooled authd connections, first-use keys
            foreach (int connections in new[] { 1, 4 })
            {
                rows.Add((await MeasureAsync(endpoint, size, messages, daemon.Pid, connections)) with { Mode = label, Connections = connections });
                Console.WriteLine($"  {rows[^1]}");
            }
        }
    }
}

var report = Format(rows, stamp, messages);
Console.WriteLine(report);
if (write)
{
    BenchmarkReport.Write(BenchmarkReport.DefaultPath, "outbound", "Outbound stages (issue 5)", "milter", report);
    Console.WriteLine($"results written to {BenchmarkReport.DefaultPath}");
}

return 0;

// Each connection sends its messages one after another (a new one when the last is answered), as Postfix's
// cleanup does for one SMTP session; latency is MAIL to the end-of-message reply.
static async Task<Row> MeasureAsync(MilterEndpoint endpoint, int size, int messages, int pid, int connections = 1)
{
    var message = RawMessage.Parse(Sample(size));
    var cpuBefore = ProcessStats.CpuTime(pid);
    var stopwatch = Stopwatch.StartNew();
    var samples = new List<double>[connections];
    await Task.WhenAll(Enumerable.Range(0, connections).Select(async c =>
    {
        var mine = samples[c] = new List<double>(messages);
        await using var client = await MilterClient.ConnectAsync(endpoint);
        await client.NegotiateAsync();
        for (int i = 0; i < messages / connections; i++)
        {
            var tx = new MilterTransaction
            {
                Sender = "<alice@example.test>",
                Recipients = ["<bob@example.test>", "<carol@example.test>"],
                Message = message,
                Macros = new Dictionary<MilterCommand, IReadOnlyDictionary<string, string>>
                {
                    [MilterCommand.Mail] = new Dictionary<string, string> { ["{auth_authen}"] = "alice", ["{client_addr}"] = "192.0.2.10" },
                    [MilterCommand.EndOfMessage] = new Dictionary<string, string> { ["i"] = $"Q{c}X{i}" },
                },
            };
            var sent = stopwatch.Elapsed;
            var result = await client.SendMessageAsync(tx);
            mine.Add((stopwatch.Elapsed - sent).TotalMilliseconds);
            if (result.Verdict.Code != MilterReplyCode.Continue)
            {
                throw new InvalidOperationException($"unexpected verdict {result.Verdict}");
            }
        }

        await client.QuitAsync();
    }));
    var elapsed = stopwatch.Elapsed;
    var all = samples.SelectMany(s => s).Order().ToList();
    var cpu = ProcessStats.CpuTime(pid) - cpuBefore;
    return new Row(string.Empty, connections, all.Count / elapsed.TotalSeconds, Percentiles.Of(all, 50), Percentiles.Of(all, 99), cpu.TotalMilliseconds / all.Count);
}

static byte[] Sample(int size)
{
    var sb = new StringBuilder();
    sb.Append("From: Alice Example <alice@example.test>\r\nTo: Bob Example <bob@example.test>\r\nCc: carol@example.test\r\n");
    sb.Append("Subject: Benchmark message\r\nDate: Sat, 21 Nov 2026 07:00:00 +0000\r\nMessage-ID: <bench@example.test>\r\n");
    sb.Append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\nX-Mailer: bench\r\n\r\n");
    int line = 0;
    while (sb.Length < size)
    {
        sb.Append(CultureInfo.InvariantCulture, $"{line++:D5} Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.\r\n");
    }

    return Encoding.ASCII.GetBytes(sb.ToString());
}

static string Format(List<Row> rows, string stamp, int messages)
{
    var c = CultureInfo.InvariantCulture;
    var text = new StringBuilder();
    text.AppendLine(c, $"""
        ### Milter level: latency the outbound stages add (10 KB message)

        {stamp}
        `bench/run.sh outbound`: mailfilterd (Release) with classify, intent, sign, encrypt, re-inject and trace, keys in
        mailfilter-authd (Release) on a private PostgreSQL 15, both over unix sockets; driven by the project's milter client
        as Postfix's cleanup would (MAIL with `auth_authen`, two RCPT, 13 headers, a 10 KB body, EOM), {messages} messages
        per row after 200 of warm-up (first-use keys made then), each connection sending its next message when the last is
        answered. Latency is MAIL to the end-of-message reply; sign costs one authd call (the header digest) plus the
        sender's key lookup, sign + encrypt two more (each recipient's key, then the envelope transcript). CPU is
        mailfilterd's (user + system) per message; authd's is not counted. Target: p99 of sign + encrypt under 10 ms.
        """);
    text.AppendLine();
    text.AppendLine("| mode | connections | messages/s | p50 ms | p99 ms | added p50 ms | added p99 ms | mailfilterd CPU ms/message |");
    text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var r in rows)
    {
        var baseline = rows.First(b => b.Connections == r.Connections);
        text.AppendLine(c, $"| {r.Mode} | {r.Connections} | {r.MessagesPerSecond:F0} | {r.P50:F2} | {r.P99:F2} | {r.P50 - baseline.P50:F2} | {r.P99 - baseline.P99:F2} | {r.CpuMs:F2} |");
    }

    return text.ToString();
}

internal sealed record Row(string Mode, int Connections, double MessagesPerSecond, double P50, double P99, double CpuMs);
