using System.Globalization;
using System.Text.Json;
using MailFilter.Lab;

namespace MailFilter.Cli.Tests;

/// <summary>mailfilterctl stats against a real mailfilterd serving metrics, after a message through its milter.</summary>
public sealed class StatsCommandTests : IDisposable
{
    private readonly OperationsScratch _scratch = new(string.Empty);

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task StatsSummarizesTheMessagesAndStagesMailfilterdCounted()
    {
        var socket = Path.Combine(_scratch.Directory, "milter.sock");
        int port = FreePort.Next();
        _scratch.WriteConfig($"""
            [milter]
            listen = unix:{socket}

            [policy]
            local_domains = example.test
            sign = never
            encrypt = never

            [metrics]
            listen = 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}
            """);
        await using var daemon = await DaemonProcess.StartMailfilterdAsync("unix:" + socket, Path.Combine(_scratch.Directory, "mailfilterd.log"), "--config", _scratch.Config);
        var eml = Path.Combine(_scratch.Directory, "m.eml");
        File.WriteAllText(eml, "From: alice@example.test\r\nTo: bob@example.org\r\nSubject: s\r\n\r\nbody\r\n");
        var check = await OperationsScratch.RunAsync("milter-check", "--milter", "unix:" + socket, "--from", "alice@example.test", "--rcpt", "bob@example.org", "--auth", "alice", eml);
        Assert.True(check.Code == 0, check.Out + check.Err);

        var text = await OperationsScratch.RunAsync("stats", "--config", _scratch.Config);
        var json = await OperationsScratch.RunAsync("stats", "--config", _scratch.Config, "--json");

        Assert.True(text.Code == 0, text.Out + text.Err);
        Assert.Contains("outbound messages: passed 1", text.Out, StringComparison.Ordinal);
        Assert.Contains("stage trace", text.Out, StringComparison.Ordinal);
        Assert.Contains("note: mailfilter-authd: [metrics] authd_listen is not set", text.Out, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(json.Out);
        Assert.Equal(1, doc.RootElement.GetProperty("Messages").GetProperty("passed").GetInt64());
        Assert.Equal(1, doc.RootElement.GetProperty("Stages").GetProperty("classify").GetProperty("Count").GetInt64());
    }

    [Fact]
    public async Task WithoutAnyMetricsListenerStatsIsUnavailable()
    {
        _scratch.WriteConfig($"[metrics]\nlisten = 127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}\n");

        var result = await OperationsScratch.RunAsync("stats", "--config", _scratch.Config);

        Assert.Equal(69, result.Code);
        Assert.Contains("stats: mailfilterd: no answer", result.Err, StringComparison.Ordinal);
    }
}
