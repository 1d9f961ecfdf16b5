using System.Text;
using MailFilter.Filter.Milter;
using MailFilter.Milter;
using MailFilter.Milter.Client;
using MailFilter.Milter.Wire;
using Microsoft.Extensions.Logging;

namespace MailFilter.Filter.Tests;

public sealed class OutboundPipelineTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pipeline-").FullName;
    private readonly List<string> _log = [];
    private MilterListener? _listener;

    private sealed class Stage(string name, Func<OutboundContext, MilterResponse?> run) : IOutboundStage
    {
        public string Name => name;

        public Func<EnvelopeAddress, MilterResponse?>? Recipient { get; init; }

        public bool AnswersRecipients { get; init; }

        public ValueTask<MilterResponse?> OnRecipientAsync(MilterContext context, EnvelopeAddress recipient, CancellationToken cancellationToken) =>
            ValueTask.FromResult(Recipient?.Invoke(recipient));

        public ValueTask<MilterResponse?> RunAsync(OutboundContext context, CancellationToken cancellationToken) => ValueTask.FromResult(run(context));
    }

    private sealed class ListLogger(List<string> lines) : ILogger, ILoggerProvider
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (lines)
            {
                lines.Add(formatter(state, exception));
            }
        }

        public ILogger CreateLogger(string categoryName) => this;

        public void Dispose()
        {
        }
    }

    private OutboundPipeline Start(params IOutboundStage[] stages)
    {
        var factory = LoggerFactory.Create(b => b.AddProvider(new ListLogger(_log)));
        var pipeline = new OutboundPipeline([.. stages, new TraceStage("mx.example.test")], factory.CreateLogger<OutboundPipeline>());
        _listener = new MilterListener(new MilterListenerOptions { Endpoints = [MilterEndpoint.Parse("unix:" + Path.Combine(_dir, "m.sock"))] }, new MilterOptions(), pipeline, factory.CreateLogger("milter"));
        _listener.Start();
        return pipeline;
    }

    private async Task<MilterCheckResult> SendAsync(params IOutboundStage[] stages)
    {
        Start(stages);
        await using var client = await MilterClient.ConnectAsync(_listener!.BoundEndpoints[0]);
        await client.NegotiateAsync();
        return await SendOneAsync(client);
    }

    private static Task<MilterCheckResult> SendOneAsync(MilterClient client) =>
        client.SendMessageAsync(new MilterTransaction
        {
            Sender = "<alice@example.test>",
            Recipients = ["<bob@example.test>", "<blocked@example.net>"],
            Message = RawMessage.Parse(Encoding.ASCII.GetBytes("From: alice@example.test\r\nSubject: hi\r\n\r\nbody\r\n")),
            Macros = new Dictionary<MilterCommand, IReadOnlyDictionary<string, string>>
            {
                [MilterCommand.EndOfMessage] = new Dictionary<string, string> { ["i"] = "QID42" },
            },
        });

    // xUnit 2 disposes a test class through IDisposable or IAsyncLifetime, not IAsyncDisposable.
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_listener is not null)
        {
            await _listener.DisposeAsync();
        }

        Directory.Delete(_dir, true);
    }

    [Fact]
    public async Task StagesRunInOrderAndTheTraceHeaderNamesTheirResults()
    {
        var order = new List<string>();
        var result = await SendAsync(
            new Stage("first", c => { order.Add("first"); c.AddResult("signed"); return null; }),
            new Stage("second", c => { order.Add("second"); c.AddResult("encrypted=1"); return null; }));
        Assert.Equal(["first", "second"], order);
        var trace = Assert.Single(result.EndOfMessage!.Modifications);
        Assert.Equal("X-MailFilter-Trace", trace.Name);
        Assert.Equal(1u, trace.Index);
        Assert.Matches(@"^ mx\.example\.test \(mailfilterd [0-9.]+\); qid=QID42; signed, encrypted=1$", trace.ValueText);
        Assert.Contains(_log, l => l.StartsWith("QID42: from=<alice@example.test> rcpts=2", StringComparison.Ordinal) && l.Contains("results=signed,encrypted=1 verdict=continue", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AStageVerdictStopsThePipelineAndIsLoggedWithTheStageName()
    {
        bool laterRan = false;
        var result = await SendAsync(
            new Stage("policy", _ => MilterResponse.WithReply(550, "5.7.1", "not allowed")),
            new Stage("later", _ => { laterRan = true; return null; }));
        Assert.Equal(new MilterClientReply(MilterReplyCode.ReplyCode, "550 5.7.1 not allowed"), result.Verdict);
        Assert.False(laterRan);
        Assert.Empty(result.EndOfMessage!.Modifications);
        Assert.Contains(_log, l => l.StartsWith("QID42:", StringComparison.Ordinal) && l.Contains("by=policy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFailingStageTempfailsTheMessageWithoutPartialEdits()
    {
        var result = await SendAsync(
            new Stage("edits", c => { c.Message.Headers.Add("X-Half", "done"); return null; }),
            new Stage("broken", _ => throw new InvalidOperationException("authd unreachable")));
        Assert.Equal(MilterReplyCode.Tempfail, result.Verdict.Code);
        Assert.Empty(result.EndOfMessage!.Modifications);
        Assert.Contains(_log, l => l.Contains("QID42: a pipeline stage failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARecipientRefusedByAStageIsRefusedAloneAndLogged()
    {
        var result = await SendAsync(new Stage("whitelist", _ => null)
        {
            AnswersRecipients = true,
            Recipient = r => r.Domain == "example.net" ? MilterResponse.WithReply(550, "5.7.1", "not on your whitelist") : null,
        });
        Assert.Contains(result.Steps, s => s.Step == "rcpt <blocked@example.net>" && s.Reply!.Text == "550 5.7.1 not on your whitelist");
        Assert.Equal(MilterReplyCode.Continue, result.Verdict.Code);
        Assert.Contains(_log, l => l.Contains("recipient <blocked@example.net> refused by whitelist", StringComparison.Ordinal));
        Assert.Contains(_log, l => l.StartsWith("QID42: from=<alice@example.test> rcpts=1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RecipientsAreAnsweredOnlyWhileAStageRefusesRecipients()
    {
        var refusing = new Stage("whitelist", _ => null)
        {
            AnswersRecipients = true,
            Recipient = r => r.Domain == "example.net" ? MilterResponse.WithReply(550, "5.7.1", "not on your whitelist") : null,
        };
        var pipeline = Start(new Stage("plain", _ => null));

        // No stage refuses recipients: NR_RCPT, and RCPT gets no answer (one round trip less per message).
        await using (var client = await MilterClient.ConnectAsync(_listener!.BoundEndpoints[0]))
        {
            Assert.True((await client.NegotiateAsync()).Protocol.HasFlag(MilterProtocolFlags.NoReplyRecipient));
            var result = await SendOneAsync(client);
            Assert.All(result.Steps.Where(s => s.Step.StartsWith("rcpt", StringComparison.Ordinal)), s => Assert.Null(s.Reply));
            Assert.Equal(MilterReplyCode.Continue, result.Verdict.Code);
        }

        // A connection negotiated before a reload that brings in a refusing stage: the refusal it cannot give at RCPT
        // refuses the whole message.
        await using var older = await MilterClient.ConnectAsync(_listener.BoundEndpoints[0]);
        await older.NegotiateAsync();
        pipeline.ReplaceStages([refusing, new TraceStage("mx.example.test")]);
        var refused = await SendOneAsync(older);
        Assert.Equal(new MilterClientReply(MilterReplyCode.ReplyCode, "550 5.7.1 not on your whitelist"), refused.Verdict);
        Assert.Contains(_log, l => l.Contains("negotiated no RCPT answers", StringComparison.Ordinal));

        // Connections opened after the reload answer each recipient again.
        await using var newer = await MilterClient.ConnectAsync(_listener.BoundEndpoints[0]);
        Assert.False((await newer.NegotiateAsync()).Protocol.HasFlag(MilterProtocolFlags.NoReplyRecipient));
        var answered = await SendOneAsync(newer);
        Assert.Contains(answered.Steps, s => s.Step == "rcpt <blocked@example.net>" && s.Reply!.Text == "550 5.7.1 not on your whitelist");
        Assert.Equal(MilterReplyCode.Continue, answered.Verdict.Code);
    }
}
