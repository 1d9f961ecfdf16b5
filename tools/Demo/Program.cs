using System.Text;
using MailFilter.Lab;

// The demo: mailfilterd (the real binary, on a unix socket owned by group postfix) wired into a private
// Postfix instance as smtpd_milters and non_smtpd_milters; one message submitted over SMTP and one
// through sendmail(1); the delivered messages shown with the header mailfilterd added; everything
// stopped again. Needs root (Postfix runs as its own instance).
var dir = Directory.CreateTempSubdirectory("mailfilter-demo-").FullName;
File.SetUnixFileMode(dir, (UnixFileMode)Convert.ToInt32("755", 8));
var socket = Path.Combine(dir, "milter.sock");
var config = Path.Combine(dir, "mailfilter.conf");
File.WriteAllText(config, $"""
    # mailfilterd settings for the demo (see docs/configuration.md for every key)
    [milter]
    listen = unix:{socket}
    socket_group = postfix
    socket_mode = 0660

    [filter]
    hostname = mx.example.test
    """);

void Step(string text) => Console.WriteLine($"\n==> {text}");

Step($"starting mailfilterd --config {config}");
await using var daemon = await DaemonProcess.StartMailfilterdAsync("unix:" + socket, Path.Combine(dir, "mailfilterd.log"), "--config", config);
Console.WriteLine($"    pid {daemon.Pid}, milter on unix:{socket}");

Step("starting a private Postfix 3.7 on 127.0.0.1 with mailfilterd as smtpd_milters and non_smtpd_milters");
await using var postfix = await PostfixInstance.StartAsync(new PostfixOptions
{
    SmtpdMilters = "unix:" + socket,
    NonSmtpdMilters = "unix:" + socket,
});
Console.WriteLine($"    config {postfix.ConfigDirectory}, SMTP on 127.0.0.1:{postfix.SmtpPort}");

var sample = Encoding.UTF8.GetBytes("""
    From: Alice <alice@example.test>
    To: Bob <bob@example.test>
    Subject: Hello from the MailFilter demo
    Message-ID: <demo-1@example.test>
    Date: Sat, 21 Nov 2026 09:00:00 +0000
    MIME-Version: 1.0
    Content-Type: text/plain; charset=utf-8

    Hi Bob,

    this message went through Postfix and mailfilterd's milter pipeline.

    Alice

    """.Replace("\n", "\r\n", StringComparison.Ordinal));

Step("alice@example.test sends to bob@example.test over SMTP");
var smtp = await postfix.SendAsync("alice@example.test", ["bob@example.test"], sample);
Console.WriteLine($"    {smtp.Code} {smtp.Text}");

Step("root sends to carol@example.test through sendmail(1)");
var local = await postfix.SendmailAsync("root@example.test", ["carol@example.test"],
    Encoding.UTF8.GetBytes("From: root@example.test\r\nTo: carol@example.test\r\nSubject: local submission\r\n\r\nsent with sendmail(1)\r\n"));
Console.WriteLine(local.ExitCode == 0 ? "    accepted" : $"    failed: {local.Stderr}");

var delivered = await postfix.WaitForDeliveriesAsync(2, TimeSpan.FromSeconds(30));
bool traced = delivered.All(f => File.ReadAllText(f).Contains("X-MailFilter-Trace:", StringComparison.Ordinal));
foreach (var file in delivered)
{
    Step($"delivered: {Path.GetFileName(file)}");
    Console.WriteLine(File.ReadAllText(file).TrimEnd());
}

await daemon.StopAsync();
Step("mailfilterd log (one line per message, keyed by the Postfix queue id)");
foreach (var line in daemon.Log.Split('\n').Where(l => l.Contains("from=<", StringComparison.Ordinal) || l.Contains("started", StringComparison.Ordinal) || l.Contains("stopped", StringComparison.Ordinal)))
{
    Console.WriteLine("    " + line);
}

Step("stopping Postfix and removing the demo's files");
await postfix.DisposeAsync();
Directory.Delete(dir, true);
Console.WriteLine("    done");
return traced ? 0 : 1;
