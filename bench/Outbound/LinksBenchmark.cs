using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MailFilter.Milter;
using MailFilter.Milter.Client;
using MailFilter.Milter.Wire;

namespace MailFilter.Bench.Outbound;

/// <summary>
/// Issue 7: what the links stage costs mailfilterd for a message with one 20 MB attachment (27 MB of base64), against a
/// real mailfilter-authd storing into its filesystem store, and mailfilterd's peak memory above its baseline (target:
/// at most 64 MB). Rows: links = never (the same message passes, for comparison), links = over 1M with new content each
/// time (hashed, asked for, uploaded, granted, replaced), and with content already stored (hashed, asked for, granted,
/// replaced). sign = never, encrypt = never: only the links stage differs. Time is mailfilterd's own end-of-message time
/// (its log line), and the whole milter transaction (27 MB crossing the socket included) as the MTA sees it.
/// </summary>
internal static partial class LinksBenchmark
{
    private const int Size = 20 * 1024 * 1024;

    public static async Task<int> RunAsync(bool quick, bool write)
    {
        int runs = quick ? 2 : 5;
        string stamp = Machine.Stamp();
        var rows = new List<Row>();
        long baseline, peak;
        await using (var lab = await OutboundBenchLab.StartAsync())
        {
            var (never, neverSocket) = await lab.StartMailfilterdAsync("links-never", "sign = never\nencrypt = never\nlinks = never", "information");
            await using (never)
            {
                var endpoint = MilterEndpoint.Parse("unix:" + neverSocket);
                await SendAsync(endpoint, Message(RandomNumberGenerator.GetBytes(64 * 1024)), "W0");
                rows.Add(await MeasureAsync("links = never (passes unchanged)", endpoint, runs, fresh: true, lab, "links-never"));
            }

            var (links, socket) = await lab.StartMailfilterdAsync("links", "sign = never\nencrypt = never\nlinks = over 1M", "information");
            await using (links)
            {
                var endpoint = MilterEndpoint.Parse("unix:" + socket);
                for (int i = 0; i < 3; i++)
                {
                    // Warm-up: JIT of every path, authd's connections; small files only, so the baseline is the idle process.
                    await SendAsync(endpoint, Message(RandomNumberGenerator.GetBytes(2 * 1024 * 1024)), "W" + i);
                }

                GC.Collect();
                await Task.Delay(2000);
                baseline = ProcessStats.ResetPeak(links.Pid);
                rows.Add(await MeasureAsync("links = over 1M, new content (uploaded)", endpoint, runs, fresh: true, lab, "links"));
                rows.Add(await MeasureAsync("links = over 1M, content already stored (not uploaded)", endpoint, runs, fresh: false, lab, "links"));
                peak = ProcessStats.PeakResident(links.Pid);
            }
        }

        string report = Format(rows, stamp, runs, baseline, peak);
        Console.WriteLine(report);
        if (write)
        {
            BenchmarkReport.Write(BenchmarkReport.DefaultPath, "links", "Attachments as links (issue 7)", "milter", report);
            Console.WriteLine($"results written to {BenchmarkReport.DefaultPath}");
        }

        return 0;
    }

    private static async Task<Row> MeasureAsync(string label, MilterEndpoint endpoint, int runs, bool fresh, OutboundBenchLab lab, string daemon)
    {
        var same = RandomNumberGenerator.GetBytes(Size);
        if (!fresh)
        {
            await SendAsync(endpoint, Message(same), "S0"); // stored once before the measured runs
        }

        var transaction = new List<double>();
        var ids = new List<string>();
        for (int i = 0; i < runs; i++)
        {
            var message = Message(fresh ? RandomNumberGenerator.GetBytes(Size) : same);
            string id = $"{(daemon == "links" ? "L" : "N")}{(fresh ? "F" : "R")}X{i}";
            var watch = Stopwatch.StartNew();
            await SendAsync(endpoint, message, id);
            transaction.Add(watch.Elapsed.TotalMilliseconds);
            ids.Add(id);
        }

        await Task.Delay(500); // the log line is written after the reply
        string log = lab.LogOf(daemon);
        var stage = ids.Select(id => double.Parse(EndOfMessage(id).Match(log).Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        return new Row(label, Percentiles.Of([.. stage.Order()], 50), stage.Max(), Percentiles.Of([.. transaction.Order()], 50));
    }

    private static Regex EndOfMessage(string id) => new($"{id}: from=<[^>]*> .* time=([0-9.]+)ms", RegexOptions.None, TimeSpan.FromSeconds(5));

    private static async Task SendAsync(MilterEndpoint endpoint, RawMessage message, string queueId)
    {
        await using var client = await MilterClient.ConnectAsync(endpoint);
        await client.NegotiateAsync();
        var result = await client.SendMessageAsync(new MilterTransaction
        {
            Sender = "<alice@example.test>",
            Recipients = ["<bob@example.test>"],
            Message = message,
            Macros = new Dictionary<MilterCommand, IReadOnlyDictionary<string, string>>
            {
                [MilterCommand.Mail] = new Dictionary<string, string> { ["{auth_authen}"] = "alice", ["{client_addr}"] = "192.0.2.10" },
                [MilterCommand.EndOfMessage] = new Dictionary<string, string> { ["i"] = queueId },
            },
        });
        if (result.Verdict.Code != MilterReplyCode.Continue)
        {
            throw new InvalidOperationException($"unexpected verdict {result.Verdict}");
        }

        await client.QuitAsync();
    }

    private static RawMessage Message(byte[] attachment)
    {
        var sb = new StringBuilder();
        sb.Append("From: Alice <alice@example.test>\r\nTo: Bob <bob@example.test>\r\nSubject: the file\r\nMessage-ID: <")
            .Append(Guid.NewGuid().ToString("N")).Append("@example.test>\r\nDate: Sat, 21 Nov 2026 07:00:00 +0000\r\n")
            .Append("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nThe file.\r\n")
            .Append("--b\r\nContent-Type: application/octet-stream; name=\"big.bin\"\r\nContent-Disposition: attachment; filename=\"big.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        var b64 = Convert.ToBase64String(attachment);
        for (int i = 0; i < b64.Length; i += 76)
        {
            sb.Append(b64, i, Math.Min(76, b64.Length - i)).Append("\r\n");
        }

        sb.Append("--b--\r\n");
        return RawMessage.Parse(Encoding.ASCII.GetBytes(sb.ToString()));
    }

    private static string Format(List<Row> rows, string stamp, int runs, long baseline, long peak)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"""
            ### Milter level: replacing a 20 MB attachment by a link

            {stamp}
            `bench/run.sh links`: mailfilterd (Release) with `sign = never`, `encrypt = never` and the `links` setting of each
            row, mailfilter-authd (Release) on a private PostgreSQL 15 storing into its filesystem store (encrypted at rest,
            fsynced), both over unix sockets; driven by the project's milter client (one recipient, a text part and one
            20 MiB attachment, 27.7 MB of base64; {runs} messages per row, one connection). "end of message" is mailfilterd's
            own time from end of message to its verdict (its log line): parse, decode + SHA-256, `HEAD`, the upload (`PUT`,
            first row of links only), the grants, writing the new body. "transaction" is MAIL to the reply as the MTA sees it,
            the 27.7 MB body crossing the socket included. Memory: mailfilterd's peak resident set (VmHWM) during the links
            rows above its resident set after warm-up (target: at most 64 MB above baseline).
            """);
        text.AppendLine();
        text.AppendLine("| row | end of message p50 ms | end of message max ms | transaction p50 ms |");
        text.AppendLine("|---|---:|---:|---:|");
        foreach (var r in rows)
        {
            text.AppendLine(c, $"| {r.Label} | {r.StageP50:F0} | {r.StageMax:F0} | {r.TransactionP50:F0} |");
        }

        text.AppendLine();
        text.AppendLine(c, $"mailfilterd resident set: {baseline / 1048576.0:F1} MB after warm-up, peak {peak / 1048576.0:F1} MB during the links rows: **{(peak - baseline) / 1048576.0:F1} MB above baseline**.");
        return text.ToString();
    }

    private sealed record Row(string Label, double StageP50, double StageMax, double TransactionP50);
}
