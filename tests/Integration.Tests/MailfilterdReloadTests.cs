using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MailFilter.Lab;

namespace MailFilter.Integration.Tests;

/// <summary>
/// SIGHUP (systemctl reload mailfilterd) in front of a real Postfix: 50 SMTP sessions are in flight (MAIL, RCPT and
/// the whole message sent, the final "." held back) while the daemon rereads its file. None is dropped, each
/// finishes under the policy it began with, and the next message uses the new one.
/// </summary>
public sealed partial class MailfilterdReloadTests : IAsyncLifetime
{
    private string _dir = null!;
    private string _socket = null!;
    private string _config = null!;

    public Task InitializeAsync()
    {
        _dir = Directory.CreateTempSubdirectory("mailfilterd-reload-").FullName;
        File.SetUnixFileMode(_dir, (UnixFileMode)Convert.ToInt32("755", 8));
        _socket = Path.Combine(_dir, "milter.sock");
        _config = Path.Combine(_dir, "mailfilter.conf");
        WriteConfig(hostname: "mx-before.example.test", localDomains: "example.test");
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, true);
        return Task.CompletedTask;
    }

    // Outbound mail (a local sender from 127.0.0.1) gets the trace header naming [filter] hostname; neither signed
    // nor encrypted, so no mailfilter-authd is needed. Mail from a sender outside local_domains passes untouched.
    private void WriteConfig(string hostname, string localDomains, string encrypt = "never", string milterExtra = "") => File.WriteAllText(_config, $"""
        [milter]
        listen = unix:{_socket}
        socket_group = postfix
        socket_mode = 0660
        spool_directory = {_dir}
        {milterExtra}

        [filter]
        hostname = {hostname}

        [policy]
        local_domains = {localDomains}
        sign = never
        encrypt = {encrypt}
        """);

    private static byte[] Message(string id, string from) => Encoding.ASCII.GetBytes(
        $"From: {from}\r\nTo: bob@example.org\r\nSubject: {id}\r\nMessage-ID: <{id}@example.test>\r\nDate: Sat, 21 Nov 2026 07:00:00 +0000\r\n\r\nbody of {id}\r\n");

    private static Dictionary<string, string> DeliveredById(PostfixInstance postfix) =>
        postfix.Deliveries().Select(File.ReadAllText).ToDictionary(t => MessageIdPattern().Match(t).Groups[1].Value, t => t);

    private static string? TraceHost(string delivered) => TracePattern().Match(delivered) is { Success: true } m ? m.Groups[1].Value : null;

    [Fact]
    public async Task SighupWithFiftySessionsInFlightDropsNoneAndTheNextMessageUsesTheNewPolicy()
    {
        await using var daemon = await DaemonProcess.StartMailfilterdAsync("unix:" + _socket, Path.Combine(_dir, "mailfilterd.log"), "--config", _config);
        await using var postfix = await PostfixInstance.StartAsync(new PostfixOptions
        {
            SmtpdMilters = "unix:" + _socket,
            MainCf = new Dictionary<string, string> { ["smtpd_timeout"] = "120s" },
        });

        const int inFlight = 50;
        var allHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int held = 0;
        var sessions = Enumerable.Range(0, inFlight).Select(i => Task.Run(() => SmtpClientLite.SendAsync("127.0.0.1", postfix.SmtpPort,
            "alice@example.test", ["bob@example.org"], Message($"inflight-{i}", "alice@example.test"), beforeEndOfData: async () =>
            {
                if (Interlocked.Increment(ref held) == inFlight)
                {
                    allHeld.TrySetResult();
                }

                await release.Task;
            }))).ToArray();
        await allHeld.Task.WaitAsync(TimeSpan.FromSeconds(60));

        // The new policy: alice's domain is no longer ours (her mail passes untouched), carol's is; a new host name.
        WriteConfig(hostname: "mx-after.example.test", localDomains: "example.net");
        await ProcessRunner.RunAsync("/bin/kill", "-HUP", daemon.Pid.ToString(CultureInfo.InvariantCulture));
        await WaitForLogAsync(daemon, "configuration reloaded");

        var afterAlice = await postfix.SendAsync("alice@example.test", ["bob@example.org"], Message("after-alice", "alice@example.test"));
        var afterCarol = await postfix.SendAsync("carol@example.net", ["bob@example.org"], Message("after-carol", "carol@example.net"));
        Assert.True(afterAlice.Accepted, afterAlice.ToString());
        Assert.True(afterCarol.Accepted, afterCarol.ToString());

        release.SetResult();
        var results = await Task.WhenAll(sessions);
        Assert.All(results, r => Assert.True(r.Accepted, r.ToString()));
        await postfix.WaitForDeliveriesAsync(inFlight + 2, TimeSpan.FromMinutes(2));
        await Task.Delay(500);

        var delivered = DeliveredById(postfix);
        Assert.Equal(inFlight + 2, delivered.Count);
        for (int i = 0; i < inFlight; i++)
        {
            // Began before the reload: finished under the old policy and host name.
            Assert.Equal("mx-before.example.test", TraceHost(delivered[$"inflight-{i}@example.test"]));
        }

        Assert.Null(TraceHost(delivered["after-alice@example.test"]));
        Assert.Equal("mx-after.example.test", TraceHost(delivered["after-carol@example.test"]));
        Assert.False(daemon.HasExited);
        Assert.DoesNotContain("warning: milter", postfix.Maillog, StringComparison.Ordinal);
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Fact]
    public async Task SighupWithABrokenFileKeepsTheRunningPolicyAndSaysWhatIsWrong()
    {
        var (log, trace) = await ReloadThenSendAsync(() => WriteConfig("mx-after.example.test", "example.net", encrypt: "sometimes"), "reload refused");

        Assert.Contains("[policy] encrypt = sometimes", log, StringComparison.Ordinal);
        Assert.Equal("mx-before.example.test", trace);
    }

    [Fact]
    public async Task SighupThatChangesTheListenerSaysARestartIsNeededAndStillAppliesThePolicy()
    {
        var (log, trace) = await ReloadThenSendAsync(() => WriteConfig("mx-after.example.test", "example.test", milterExtra: "max_connections = 10"), "configuration reloaded");

        Assert.Contains("[milter] max_connections changed; it takes effect at the next restart", log, StringComparison.Ordinal);
        Assert.Equal("mx-after.example.test", trace);
    }

    /// <summary>Starts mailfilterd and Postfix, rewrites the file, sends SIGHUP, waits for <paramref name="logged"/>, then
    /// sends alice's message; returns the daemon's log and the host name in the delivered message's trace header.</summary>
    private async Task<(string Log, string? Trace)> ReloadThenSendAsync(Action rewrite, string logged)
    {
        await using var daemon = await DaemonProcess.StartMailfilterdAsync("unix:" + _socket, Path.Combine(_dir, "mailfilterd.log"), "--config", _config);
        await using var postfix = await PostfixInstance.StartAsync(new PostfixOptions { SmtpdMilters = "unix:" + _socket });
        rewrite();
        await ProcessRunner.RunAsync("/bin/kill", "-HUP", daemon.Pid.ToString(CultureInfo.InvariantCulture));
        await WaitForLogAsync(daemon, logged);

        var sent = await postfix.SendAsync("alice@example.test", ["bob@example.org"], Message("after-reload", "alice@example.test"));
        Assert.True(sent.Accepted, sent.ToString());
        await postfix.WaitForDeliveriesAsync(1, TimeSpan.FromSeconds(30));
        var trace = TraceHost(DeliveredById(postfix)["after-reload@example.test"]);
        Assert.Equal(0, await daemon.StopAsync());
        return (daemon.Log, trace);
    }

    private static async Task WaitForLogAsync(DaemonProcess daemon, string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!daemon.Log.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no \"{text}\" in the log: {daemon.Log}");
            await Task.Delay(50);
        }
    }

    [GeneratedRegex(@"(?im)^Message-ID: <([^>]+)>")]
    private static partial Regex MessageIdPattern();

    [GeneratedRegex(@"(?im)^X-MailFilter-Trace: (\S+)")]
    private static partial Regex TracePattern();
}
