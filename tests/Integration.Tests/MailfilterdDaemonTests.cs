using System.Text;
using System.Text.RegularExpressions;
using MailFilter.Lab;

namespace MailFilter.Integration.Tests;

/// <summary>
/// The mailfilterd binary as a process (config file, unix socket owned by group postfix, SIGTERM) in
/// front of a real Postfix: failure semantics and load.
/// </summary>
public sealed partial class MailfilterdDaemonTests : IAsyncLifetime
{
    private string _dir = null!;
    private string _socket = null!;
    private string _config = null!;

    public Task InitializeAsync()
    {
        _dir = Directory.CreateTempSubdirectory("mailfilterd-daemon-").FullName;
        File.SetUnixFileMode(_dir, (UnixFileMode)Convert.ToInt32("755", 8));
        _socket = Path.Combine(_dir, "milter.sock");
        _config = Path.Combine(_dir, "mailfilter.conf");
        File.WriteAllText(_config, $"""
            # written by MailfilterdDaemonTests
            [milter]
            listen = unix:{_socket}
            socket_group = postfix
            socket_mode = 0660
            spool_directory = {_dir}

            [filter]
            hostname = mx.example.test

            [policy]
            # outbound (alice is local, 127.0.0.1 trusted) but neither signed nor encrypted: trace header only
            local_domains = example.test
            sign = never
            encrypt = never
            """);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, true);
        return Task.CompletedTask;
    }

    private Task<DaemonProcess> StartDaemonAsync() =>
        DaemonProcess.StartMailfilterdAsync("unix:" + _socket, Path.Combine(_dir, "mailfilterd.log"), "--config", _config);

    private static byte[] Message(string id, string to) => Encoding.ASCII.GetBytes(
        $"From: alice@example.test\r\nTo: {to}\r\nSubject: {id}\r\nMessage-ID: <{id}@example.test>\r\nDate: Sat, 21 Nov 2026 07:00:00 +0000\r\n\r\nbody of {id}\r\n");

    private static List<string> MessageIds(PostfixInstance postfix) =>
        postfix.Deliveries().Select(f => MessageIdPattern().Match(File.ReadAllText(f)).Groups[1].Value).ToList();

    [Fact]
    public async Task WhileMailfilterdIsDownPostfixTempfailsAndAfterARestartTheRetryIsDeliveredOnce()
    {
        var daemon = await StartDaemonAsync();
        await using var postfix = await PostfixInstance.StartAsync(new PostfixOptions { SmtpdMilters = "unix:" + _socket, NonSmtpdMilters = "unix:" + _socket });
        Assert.True((await postfix.SendAsync("alice@example.test", ["bob@example.test"], Message("before", "bob@example.test"))).Accepted);
        await postfix.WaitForDeliveriesAsync(1, TimeSpan.FromSeconds(30));

        Assert.Equal(0, await daemon.StopAsync());
        Assert.Contains("mailfilterd stopped", daemon.Log, StringComparison.Ordinal);
        var refused = await postfix.SendAsync("alice@example.test", ["bob@example.test"], Message("retried", "bob@example.test"));
        Assert.Equal(("mail", 451), (refused.Stage, refused.Code));
        Assert.StartsWith("4.7.1", refused.Text, StringComparison.Ordinal);
        Assert.True(string.IsNullOrWhiteSpace(await postfix.QueueJsonAsync()), "nothing may be queued while the milter is down");

        var restarted = await StartDaemonAsync();
        var retry = await postfix.SendAsync("alice@example.test", ["bob@example.test"], Message("retried", "bob@example.test"));
        Assert.True(retry.Accepted, retry.ToString());
        await postfix.WaitForDeliveriesAsync(2, TimeSpan.FromSeconds(30));
        await Task.Delay(1000);
        var ids = MessageIds(postfix);
        Assert.Equal(1, ids.Count(i => i == "retried@example.test"));
        Assert.Equal(2, ids.Count);
        await restarted.StopAsync(); // the console log is flushed at exit
        Assert.Contains($"{retry.QueueId}: from=<alice@example.test> rcpts=1", restarted.Log, StringComparison.Ordinal);
        await restarted.DisposeAsync();
        await daemon.DisposeAsync();
    }

    [Fact]
    public async Task ThreeHundredConcurrentSmtpSessionsAreAllDeliveredExactlyOnce()
    {
        await using var daemon = await StartDaemonAsync();
        await using var postfix = await PostfixInstance.StartAsync(new PostfixOptions
        {
            SmtpdMilters = "unix:" + _socket,
            SmtpdProcessLimit = 320,
            MainCf = new Dictionary<string, string> { ["smtpd_timeout"] = "120s" },
        });
        const int sessions = 300;
        var sends = Enumerable.Range(0, sessions)
            .Select(i => Task.Run(() => postfix.SendAsync("alice@example.test", [$"user{i}@example.test"], Message($"load-{i}", $"user{i}@example.test"))))
            .ToArray();
        var results = await Task.WhenAll(sends);
        Assert.All(results, r => Assert.True(r.Accepted, r.ToString()));
        await postfix.WaitForDeliveriesAsync(sessions, TimeSpan.FromMinutes(3));
        await Task.Delay(1000);
        var ids = MessageIds(postfix);
        Assert.Equal(sessions, ids.Count);
        Assert.Equal(sessions, ids.Distinct().Count());
        await daemon.StopAsync(); // the console log is flushed at exit
        Assert.Equal(sessions, Regex.Matches(daemon.Log, @": from=<alice@example\.test> rcpts=1").Count);
        Assert.DoesNotContain("warning: milter", postfix.Maillog, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"(?im)^Message-ID: <([^>]+)>")]
    private static partial Regex MessageIdPattern();
}
