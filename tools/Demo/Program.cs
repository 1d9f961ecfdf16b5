using System.Security.Cryptography;
using System.Text;
using MailFilter.Lab;

// The demo: one mail domain, example.test, as a sysadmin runs MailFilter (tests/Lab/MailDomain.cs): its own
// PostgreSQL, mailfilter-authd, Dovecot, mailfilterd (milter + LMTP delivery agent) and a private Postfix with
// mailfilterd as smtpd_milters and non_smtpd_milters and the delivery agent as its transport, all on 127.0.0.1.
// alice sends bob a message with an attachment; the queue holds only ciphertext; bob reads the original through
// IMAP with a pass result. Everything started is stopped again. Needs root (Postfix and Dovecot instances).
void Step(string text) => Console.WriteLine($"\n==> {text}");

static string Excerpt(string text, int lines) =>
    string.Join("\n", text.Split('\n').Take(lines).Select(l => "    " + l.TrimEnd('\r'))) + (text.Split('\n').Length > lines ? "\n    ..." : string.Empty);

Step("starting example.test: PostgreSQL, mailfilter-authd, Dovecot, mailfilterd, Postfix (a minute on first run)");
await using var domain = await MailDomain.StartAsync("example.test", ["alice@example.test", "bob@example.test"]);
Console.WriteLine($"""
        PostgreSQL      127.0.0.1:{domain.Postgres.Port}
        authd           {domain.AuthdSocket} (public listener 127.0.0.1:{domain.PublicPort})
        Dovecot         IMAP 127.0.0.1:{domain.Dovecot.ImapPort}, LMTP {domain.Dovecot.LmtpEndpoint}
        mailfilterd     milter inet:127.0.0.1:{domain.MilterPort}, delivery agent (LMTP) inet:127.0.0.1:{domain.LmtpPort}
        Postfix         SMTP 127.0.0.1:{domain.Postfix.SmtpPort}, config {domain.Postfix.ConfigDirectory}
        mailfilterd's configuration: {domain.FilterConfig}
    """);

var attachment = RandomNumberGenerator.GetBytes(48 * 1024);
var sample = Encoding.UTF8.GetBytes($"""
    From: Alice <alice@example.test>
    To: Bob <bob@example.test>
    Subject: Quarterly report, Grüße aus Zürich
    Message-ID: <demo-1@example.test>
    Date: Sat, 21 Nov 2026 09:00:00 +0000
    MIME-Version: 1.0
    Content-Type: multipart/mixed; boundary="demo-boundary"

    --demo-boundary
    Content-Type: text/plain; charset=utf-8
    Content-Transfer-Encoding: 8bit

    Hi Bob,

    the quarterly report is attached. Nobody between us can read it.

    Alice

    --demo-boundary
    Content-Type: application/octet-stream; name="report.bin"
    Content-Disposition: attachment; filename="report.bin"
    Content-Transfer-Encoding: base64

    {Convert.ToBase64String(attachment, Base64FormattingOptions.InsertLineBreaks).Replace("\r\n", "\n", StringComparison.Ordinal)}
    --demo-boundary--

    """.Replace("\n", "\r\n", StringComparison.Ordinal));

Step("holding mail in Postfix's queue for a look (defer_transports = lmtp)");
await domain.Postfix.HoldDeliveriesAsync("lmtp");

Step("alice@example.test sends bob@example.test a message with a 48 KB attachment (SMTP with AUTH)");
var sent = await domain.SubmitAsync("alice@example.test", ["bob@example.test"], sample);
Console.WriteLine($"    {sent.Code} {sent.Text}");
if (!sent.Accepted)
{
    Console.WriteLine(domain.Diagnostics);
    return 1;
}

Step($"the queue file {sent.QueueId} as postcat(1) shows it: ciphertext only");
var queued = await domain.Postfix.PostcatAsync(sent.QueueId!);
string queuedText = Encoding.UTF8.GetString(queued);
int content = queuedText.IndexOf("*** MESSAGE CONTENTS", StringComparison.Ordinal);
Console.WriteLine(Excerpt(queuedText[Math.Max(0, content)..], 34));
bool subjectHidden = !queuedText.Contains("Quarterly report", StringComparison.Ordinal);
bool bodyHidden = !queuedText.Contains("quarterly report is attached", StringComparison.Ordinal);
bool attachmentHidden = !TestMessages.AttachmentLines(attachment).Any(l => queuedText.Contains(l, StringComparison.Ordinal));
Console.WriteLine($"""

        subject in the queue file: {(subjectHidden ? "no" : "YES")}
        body text in the queue file: {(bodyHidden ? "no" : "YES")}
        attachment in the queue file: {(attachmentHidden ? "no" : "YES")}
    """);

Step("releasing the queue: Postfix hands the message to mailfilterd's delivery agent, which decrypts, verifies and stores through Dovecot");
await domain.Postfix.ReleaseDeliveriesAsync();
var delivered = await domain.FindAsync("bob@example.test", "demo-1@example.test", TimeSpan.FromSeconds(60));
if (delivered is null)
{
    Console.WriteLine("    the message did not arrive\n" + domain.Diagnostics);
    return 1;
}

Step("bob's INBOX read over IMAP (Python's imaplib): the original with a pass result");
string text = Encoding.UTF8.GetString(delivered);
Console.WriteLine(Excerpt(text, text[..text.IndexOf("Content-Type: application/octet-stream", StringComparison.Ordinal)].Split('\n').Length + 8));

int bodyStart = delivered.AsSpan().IndexOf("\r\n\r\n"u8) + 4;
int sampleBodyStart = sample.AsSpan().IndexOf("\r\n\r\n"u8) + 4;
bool identical = delivered.AsSpan(bodyStart).SequenceEqual(sample.AsSpan(sampleBodyStart));
bool pass = text.Contains("Authentication-Results: mx.example.test; mailfilter=pass", StringComparison.Ordinal);
Console.WriteLine($"""

        body and attachment byte-identical to what alice sent: {(identical ? "yes" : "NO")}
        Authentication-Results: {(pass ? "mailfilter=pass" : "NOT pass")}
    """);

Step("mailfilterd's log: one line per message and recipient, keyed by the Postfix queue id");
foreach (var line in domain.FilterLog.Split('\n').Where(l => l.StartsWith("<6>", StringComparison.Ordinal) && l.Contains("from=<", StringComparison.Ordinal)))
{
    Console.WriteLine("    " + line);
}

Step("stopping Postfix, mailfilterd, Dovecot, mailfilter-authd and PostgreSQL (by PID) and removing their files");
await domain.DisposeAsync();
Console.WriteLine("    done");
return subjectHidden && bodyHidden && attachmentHidden && identical && pass ? 0 : 1;
