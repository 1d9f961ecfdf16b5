using System.Globalization;
using System.Text;
using MailFilter.Lab;

namespace MailFilter.Bench.Milter;

/// <summary>
/// Issue 5's whole-path throughput: one mail domain (PostgreSQL, mailfilter-authd, mailfilterd with its milter and
/// its LMTP delivery agent storing into Maildirs, Postfix) fed by smtp-source, with Postfix alone, OpenDKIM signing
/// with Ed25519, mailfilterd signing, and mailfilterd signing and encrypting, every one delivered through the agent
/// into its Maildir (which opens and verifies what mailfilterd sealed and signed); plus Postfix alone delivering with
/// its own virtual(8) for context. Configurations alternate within each round, sizes too; medians of the rounds.
/// </summary>
internal static class PipelineBenchmark
{
    public const int Concurrency = 10;

    private const string Sender = "alice@example.test";      // [policy]: sign = always, encrypt = never
    private const string Encrypter = "erin@example.test";    // [policy:erin@example.test]: encrypt = required
    private const string Recipient = "bob@example.test";
    private const string Subject = "Benchmark message";
    private const string AloneViaAgent = "Postfix alone";
    private const string DkimHeader = "a=ed25519-sha256";

    public sealed record Row(string Config, string Delivery, int Size, double MessagesPerSecond, double MachineMs, double MailfilterdMs, double AuthdMs, double DkimMs,
        double PostfixMs, double PostgresMs);

    /// <summary>One configuration: its smtpd_milters, who delivers (Postfix's virtual_transport), the sender, and what
    /// the agent must log for every message (result and decrypted, or null when the agent is not involved).</summary>
    private sealed record Config(string Name, string Delivery, string Milters, string Transport, string From, string? Result, string? Decrypted, string? Header);

    public static async Task<List<Row>> RunAsync(IReadOnlyList<(int Size, int Messages)> sizes, int rounds)
    {
        // Declared before the domain so they are removed after it stopped.
        using var postfixGroup = CpuGroup.TryCreate("mailfilter-bench-postfix", out string why) ?? throw new InvalidOperationException(why);
        using var sourceGroup = CpuGroup.TryCreate("mailfilter-bench-smtp-source", out why) ?? throw new InvalidOperationException(why);
        using var postgresGroup = CpuGroup.TryCreate("mailfilter-bench-postgres", out why) ?? throw new InvalidOperationException(why);
        await using var domain = await MailDomain.StartAsync("example.test", [Sender, Encrypter, Recipient],
            policy: $"sign = always\nencrypt = never\n\n[policy:{Encrypter}]\nencrypt = required",
            store: MailDomainStore.Maildir, logLevel: "information");
        var postfix = domain.Postfix;
        await postfix.PostconfAsync([.. postfix.VirtualMaildirSettings().Select(s => $"{s.Name}={s.Value}")]);
        postfixGroup.AddTree(postfix.MasterPid ?? throw new InvalidOperationException("Postfix has no master pid"));
        postgresGroup.AddTree(domain.Postgres.PostmasterPid ?? throw new InvalidOperationException("PostgreSQL has no postmaster pid"));
        var groups = new Groups(new SmtpSourceRun.Groups(postfixGroup, sourceGroup), postgresGroup);
        // OpenDKIM refuses a configuration under a world-writable directory such as /tmp.
        string dkimDir = Path.Combine(Repo.Root, "artifacts", "bench-opendkim");
        Directory.CreateDirectory(dkimDir);
        File.SetUnixFileMode(dkimDir, (UnixFileMode)Convert.ToInt32("755", 8));
        await using var dkim = await OpenDkim.StartAsync(dkimDir, "unix:" + Path.Combine(dkimDir, "opendkim-ed25519.sock"), "ed25519", DkimKey.Ed25519);

        string agent = "lmtp:inet:127.0.0.1:" + domain.LmtpPort.ToString(CultureInfo.InvariantCulture);
        string milter = "inet:127.0.0.1:" + domain.MilterPort.ToString(CultureInfo.InvariantCulture);
        var configs = new Config[]
        {
            new("Postfix alone", "virtual(8)", string.Empty, "virtual", Sender, null, null, null),
            new(AloneViaAgent, "agent", string.Empty, agent, Sender, "fail", "no", null),
            new("OpenDKIM signing (Ed25519)", "agent", dkim.PostfixSpec, agent, Sender, "fail", "no", DkimHeader),
            new("mailfilterd sign-only", "agent", milter, agent, Sender, "pass", "no", "MailFilter-Signature:"),
            new("mailfilterd sign + encrypt", "agent", milter, agent, Encrypter, "pass", "yes", "MailFilter-Signature:"),
        };
        int[] pids = [domain.Mailfilterd.Pid, domain.AuthdProcess.Pid, dkim.Pid];

        // Warm-up, not measured: one whole round. JIT (the runtime recompiles hot code for hundreds of messages: a
        // 1 MB sign + encrypt took about 600 messages to reach its steady cost), pooled connections, and the keys
        // (alice's, erin's, bob's) made on first use.
        foreach (var (size, messages) in sizes)
        {
            foreach (var c in configs)
            {
                await MeasureAsync(domain, groups, c, pids, size, messages);
            }
        }

        var rows = new List<Row>();
        for (int round = 1; round <= rounds; round++)
        {
            foreach (var (size, messages) in sizes)
            {
                foreach (var c in configs)
                {
                    rows.Add(await MeasureAsync(domain, groups, c, pids, size, messages));
                    Console.WriteLine($"  round {round}: {rows[^1]}");
                }
            }
        }

        return rows;
    }

    /// <summary>The control groups counting Postfix, smtp-source and PostgreSQL.</summary>
    private sealed record Groups(SmtpSourceRun.Groups Run, CpuGroup Postgres);

    private static async Task<Row> MeasureAsync(MailDomain domain, Groups groups, Config c, int[] pids, int size, int messages)
    {
        var postfix = domain.Postfix;
        await postfix.PostconfAsync($"smtpd_milters={c.Milters}", $"virtual_transport={c.Transport}");
        await Task.Delay(1500); // let smtpd processes from the previous configuration exit
        string maildirNew = c.Delivery == "agent"
            ? Path.Combine(domain.MaildirBase, "example.test", Recipient.Split('@')[0], "new")
            : Path.Combine(postfix.DeliveryDirectory, "all", "new");
        int logOffset = domain.FilterLog.Length;
        string? problem = null;
        var postgresBefore = groups.Postgres.Usage;
        var result = await SmtpSourceRun.RunAsync(postfix, maildirNew, pids,
            new SmtpSourceRun.Load(Concurrency, messages, size, c.From, Recipient, Subject),
            file =>
            {
                var text = PostfixInstance.ReadShared(file);
                if (c.Header is not null && !text.Contains(c.Header, StringComparison.Ordinal))
                {
                    problem = $"{c.Name}: a delivered message lacks \"{c.Header}\":\n{text[..Math.Min(text.Length, 3000)]}";
                }
            },
            groups.Run);
        double postgresMs = (groups.Postgres.Usage - postgresBefore).TotalMilliseconds / messages;
        if (problem is not null)
        {
            throw new InvalidOperationException(problem);
        }

        if (c.Result is not null)
        {
            await ExpectDeliveriesLoggedAsync(domain, logOffset, c, messages);
        }

        return new Row(c.Name, c.Delivery, size, result.MessagesPerSecond, result.MachineCpuMsPerMessage,
            result.CpuMsPerMessage(0), result.CpuMsPerMessage(1), c.Header == DkimHeader ? result.CpuMsPerMessage(2) : double.NaN,
            result.PostfixCpuMsPerMessage, postgresMs);
    }

    /// <summary>Every message of the run went through the agent with the expected outcome (its log line, event 2050:
    /// <c>result=pass ... decrypted=yes</c> for sign + encrypt).</summary>
    private static async Task ExpectDeliveriesLoggedAsync(MailDomain domain, int logOffset, Config c, int messages)
    {
        int matching = 0;
        for (int i = 0; i < 100; i++)
        {
            var lines = domain.FilterLog[logOffset..].Split('\n').Where(l => l.Contains(" to=<", StringComparison.Ordinal)).ToList();
            matching = lines.Count(l => l.Contains($" result={c.Result} ", StringComparison.Ordinal) && l.Contains($" decrypted={c.Decrypted} ", StringComparison.Ordinal));
            if (lines.Count >= messages)
            {
                if (matching == messages)
                {
                    return;
                }

                throw new InvalidOperationException($"{c.Name}: {matching} of {lines.Count} deliveries with result={c.Result} decrypted={c.Decrypted}:\n{string.Join('\n', lines.Take(5))}");
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"{c.Name}: mailfilterd logged {matching} of {messages} deliveries");
    }

    public static string Format(IReadOnlyList<Row> rows, IReadOnlyList<(int Size, int Messages)> sizes, int rounds, bool quick, string stamp)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("### Through Postfix: sign, encrypt, and delivery through the agent into Maildir (smtp-source)");
        sb.AppendLine();
        if (quick)
        {
            sb.AppendLine("**Smoke run** (`--quick`: few messages, one round, on a shared machine): it shows the harness works; the numbers are not a measurement.");
            sb.AppendLine();
        }

        string counts = string.Join(" and ", sizes.Select(s => $"{s.Messages} messages of {SizeLabel(s.Size)}"));
        sb.AppendLine(c, $"""
            {stamp} `bench/run.sh pipeline`: one domain as a sysadmin runs it (tests/Lab MailDomain): PostgreSQL 15, mailfilter-authd,
            mailfilterd (Release; milter on loopback TCP, LMTP delivery agent storing into its own Maildirs, `[log] level = information`,
            one line per message and delivery), Postfix 3.7 private instance. {MailDisk.Description} smtp-source submits unauthenticated from 127.0.0.1 (a
            trusted network in `[policy]`, so mail from example.test is outbound), one message per SMTP session, {Concurrency} sessions at a
            time, To and MAIL FROM a sender in example.test, one recipient (bob@example.test), a Subject, and {counts} payload per
            row (smtp-source's 80-column lines; headers not counted). Throughput is messages divided by the time from smtp-source's
            first connection to the last file in the recipient's Maildir `new/`. A warm-up round of every row first (the JIT's
            recompilation of hot code and the keys made on first use), then {rounds} round(s), sizes and rows alternating within each round; medians shown, with the lowest and
            highest rate.

            Rows: **Postfix alone, virtual(8)**: no milter, Postfix's own Maildir delivery (context). **Postfix alone, agent**: no
            milter, delivered over LMTP through mailfilterd's agent into its Maildir; the agent verifies and stamps (the sender is in a
            MailFilter domain and unsigned, so `mailfilter=fail (no signature ...)`, no key lookups). This row is the denominator:
            every other row delivers the same way. **OpenDKIM signing**: OpenDKIM 2.11 with an Ed25519 key, relaxed/relaxed, on a unix
            socket (its loopback TCP stalls, see the issue 2 section), the reference peer. **mailfilterd sign-only**: `encrypt =
            never`; the agent verifies the MailFilter-Signature (`pass`). **mailfilterd sign + encrypt**: `encrypt = required` for the
            sender; the queue holds the envelope, the agent unwraps the file key in mailfilter-authd, opens and verifies it (`pass`,
            `decrypted=yes`). Every row's deliveries are checked in mailfilterd's log (result and decrypted per message) and one
            delivered file for the signature header. Machine CPU is everything the 2 vCPUs did (Postfix, smtp-source, PostgreSQL,
            the daemons, this benchmark's polling) per message; mailfilterd's counts its milter and its agent; authd's its signing,
            key lookups and unwrapping; Postfix's every Postfix process and PostgreSQL's every server process, each counted by a
            control group (cgroup cpuacct) the process tree runs in. Targets (issue 5): sign-only at least 0.75 of Postfix alone; sign + encrypt (with decryption
            at delivery) at least 0.6, and ahead of OpenDKIM signing only. Load average after the run: {Machine.LoadAverage()}.
            """);
        sb.AppendLine();
        sb.AppendLine("| size | configuration | delivery | messages/s: median (min-max) | ratio to Postfix alone (agent) | target | machine CPU ms/message | Postfix CPU ms/message | mailfilterd CPU ms/message | authd CPU ms/message | PostgreSQL CPU ms/message | OpenDKIM CPU ms/message |");
        sb.AppendLine("|---|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|");
        var reading = new List<string>();
        foreach (var (size, _) in sizes)
        {
            var bySize = rows.Where(r => r.Size == size).ToList();
            double Rate(string config, string delivery = "agent") => Percentiles.Median(bySize.Where(r => r.Config == config && r.Delivery == delivery).Select(r => r.MessagesPerSecond));
            double alone = Rate(AloneViaAgent);
            double dkimRatio = Rate("OpenDKIM signing (Ed25519)") / alone;
            double signRatio = Rate("mailfilterd sign-only") / alone;
            double sealRatio = Rate("mailfilterd sign + encrypt") / alone;
            foreach (var group in bySize.GroupBy(r => (r.Config, r.Delivery)))
            {
                var rates = group.Select(r => r.MessagesPerSecond).ToList();
                double rate = Percentiles.Median(rates);
                string target = group.Key switch
                {
                    (_, "virtual(8)") => "context",
                    (AloneViaAgent, _) => "denominator",
                    ("mailfilterd sign-only", _) => $"≥ 0.75: {Verdict(signRatio >= 0.75)}",
                    ("mailfilterd sign + encrypt", _) => $"≥ 0.6 and > OpenDKIM: {Verdict(sealRatio >= 0.6 && sealRatio > dkimRatio)}",
                    _ => "reference (issue: 0.5-0.6)",
                };
                double dkimMs = Percentiles.Median(group.Select(r => r.DkimMs));
                sb.AppendLine(c, $"| {SizeLabel(size)} | {group.Key.Config} | {group.Key.Delivery} | {rate:F1} ({rates.Min():F1}-{rates.Max():F1}) | {rate / alone:F2} | {target} | {Percentiles.Median(group.Select(r => r.MachineMs)):F2} | {Percentiles.Median(group.Select(r => r.PostfixMs)):F2} | {Percentiles.Median(group.Select(r => r.MailfilterdMs)):F3} | {Percentiles.Median(group.Select(r => r.AuthdMs)):F3} | {Percentiles.Median(group.Select(r => r.PostgresMs)):F3} | {(double.IsNaN(dkimMs) ? "-" : dkimMs.ToString("F3", c))} |");
            }

            reading.Add(string.Create(c, $"- **{SizeLabel(size)}**: sign-only {signRatio:F2} of Postfix alone (target 0.75: {Verdict(signRatio >= 0.75)}); sign + encrypt {sealRatio:F2} (target 0.6: {Verdict(sealRatio >= 0.6)}), OpenDKIM signing {dkimRatio:F2} (sign + encrypt ahead of it: {(sealRatio > dkimRatio ? "yes" : "no")}); Postfix's own virtual(8) delivery {Rate("Postfix alone", "virtual(8)") / alone:F2} of the agent path."));
        }

        sb.AppendLine();
        sb.AppendLine("Reading (computed from the table):");
        sb.AppendLine();
        foreach (var line in reading)
        {
            sb.AppendLine(line);
        }

        return sb.ToString();
    }

    private static string Verdict(bool meets) => meets ? "meets" : "misses";

    private static string SizeLabel(int size) => size >= 1024 * 1024 ? $"{size / (1024 * 1024)} MB" : $"{size / 1024} KB";
}
