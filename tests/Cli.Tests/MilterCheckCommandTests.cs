using System.Text;
using System.Text.Json;
using MailFilter.Cli;
using MailFilter.Milter;
using Microsoft.Extensions.Logging.Abstractions;

namespace MailFilter.Cli.Tests;

public sealed class MilterCheckCommandTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("milter-check-").FullName;
    private MilterListener _listener = null!;

    private sealed class Handler : MilterHandler
    {
        public override ValueTask<MilterResponse> OnRecipientAsync(MilterContext context, EnvelopeAddress recipient, bool rejectedByMta, CancellationToken cancellationToken) =>
            ValueTask.FromResult(recipient.Address.StartsWith("nobody", StringComparison.Ordinal) ? MilterResponse.WithReply(550, "5.1.1", "no such user") : MilterResponse.Continue);

        public override ValueTask<MilterResponse> OnEndOfMessageAsync(MilterContext context, MilterMessage message, CancellationToken cancellationToken)
        {
            if (message.Headers.GetValue("Subject") == "reject me")
            {
                return ValueTask.FromResult(MilterResponse.Reject);
            }

            message.Headers.Insert(0, "X-Checked", $"by test; auth={context.Macros.Get("auth_authen") ?? "none"}; qid={context.QueueId}");
            message.Headers.Set("Subject", "changed");
            return ValueTask.FromResult(MilterResponse.Continue);
        }
    }

    private string Socket => "unix:" + Path.Combine(_dir, "milter.sock");

    public Task InitializeAsync()
    {
        _listener = new MilterListener(new MilterListenerOptions { Endpoints = [MilterEndpoint.Parse(Socket)] }, new MilterOptions(), new Handler(), NullLogger.Instance);
        _listener.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _listener.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    private string Message(string subject)
    {
        var path = Path.Combine(_dir, Guid.NewGuid() + ".eml");
        File.WriteAllText(path, $"From: Alice <alice@example.test>\r\nTo: bob@example.test, Carol <carol@example.test>\r\nSubject: {subject}\r\n\r\nhello\r\n");
        return path;
    }

    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await CommandLine.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task PrintsTheRepliesAndActionsAndTakesDefaultsFromTheHeaders()
    {
        var (code, output, _) = await RunAsync("milter-check", "--milter", Socket, "--auth", "alice", Message("hi"));
        Assert.Equal(0, code);
        Assert.Contains("protocol v6", output, StringComparison.Ordinal);
        Assert.Contains("rcpt <bob@example.test>: continue", output, StringComparison.Ordinal);
        Assert.Contains("rcpt <carol@example.test>: continue", output, StringComparison.Ordinal);
        Assert.Contains("insert header at 1: X-Checked: by test; auth=alice; qid=CHECK000001", output, StringComparison.Ordinal);
        Assert.Contains("change header Subject #1 to: changed", output, StringComparison.Ordinal);
        Assert.Contains("verdict: continue (at eom)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonOutputIsMachineReadable()
    {
        var (code, output, _) = await RunAsync("milter-check", "--milter", Socket, "--json", Message("hi"));
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(6, doc.RootElement.GetProperty("negotiated").GetProperty("version").GetInt32());
        var mods = doc.RootElement.GetProperty("modifications").EnumerateArray().ToList();
        var insert = Assert.Single(mods, m => m.GetProperty("action").GetString() == "InsertHeader");
        Assert.Equal(1u, insert.GetProperty("index").GetUInt32());
        Assert.Equal("X-Checked", insert.GetProperty("name").GetString());
        Assert.Equal("continue", doc.RootElement.GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task OutputWritesTheMessageAsPostfixWouldStoreIt()
    {
        var target = Path.Combine(_dir, "out.eml");
        var (code, _, _) = await RunAsync("milter-check", "--milter", Socket, "--output", target, Message("hi"));
        Assert.Equal(0, code);
        var text = File.ReadAllText(target, Encoding.UTF8);
        Assert.StartsWith("X-Checked: by test; auth=none; qid=CHECK000001\r\nFrom: Alice <alice@example.test>\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\nSubject: changed\r\n\r\nhello\r\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusalExitsWithOneAndNamesTheStep()
    {
        var (code, output, _) = await RunAsync("milter-check", "--milter", Socket, Message("reject me"));
        Assert.Equal(ExitCodes.CheckFailed, code);
        Assert.Contains("verdict: reject (at eom)", output, StringComparison.Ordinal);

        (code, output, _) = await RunAsync("milter-check", "--milter", Socket, "--rcpt", "nobody@example.test", Message("hi"));
        Assert.Equal(ExitCodes.CheckFailed, code);
        Assert.Contains("rcpt <nobody@example.test>: reply \"550 5.1.1 no such user\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProblemsGiveClearMessagesAndDistinctExitCodes()
    {
        var (code, _, error) = await RunAsync("milter-check", "--milter", "unix:" + Path.Combine(_dir, "absent.sock"), Message("hi"));
        Assert.Equal(ExitCodes.Unavailable, code);
        Assert.Contains("cannot connect", error, StringComparison.Ordinal);
        Assert.Contains("is the milter running?", error, StringComparison.Ordinal);

        (code, _, error) = await RunAsync("milter-check", "--milter", Socket, Path.Combine(_dir, "missing.eml"));
        Assert.Equal(ExitCodes.NoInput, code);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);

        (code, _, error) = await RunAsync("milter-check", "--milter", "tcp:localhost:8891", Message("hi"));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("unknown milter socket type \"tcp\"", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsageErrorsExitWithSixtyFour()
    {
        var (code, _, error) = await RunAsync("milter-check", Message("hi"));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--milter", error, StringComparison.Ordinal);
        Assert.Contains("Try 'mailfilterctl milter-check --help'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpExplainsTheCommand()
    {
        var (code, output, _) = await RunAsync("milter-check", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--milter", output, StringComparison.Ordinal);
        Assert.Contains("Postfix syntax", output, StringComparison.Ordinal);
    }
}
