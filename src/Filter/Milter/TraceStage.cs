using MailFilter.Milter;

namespace MailFilter.Filter.Milter;

/// <summary>
/// The last stage: puts an <c>X-MailFilter-Trace</c> header at the top of the message (just below the
/// MTA's own Received, like other trace fields) naming this host, the queue id and what the stages did.
/// Format: docs/milter.md.
/// </summary>
public sealed class TraceStage : IOutboundStage
{
    public const string HeaderName = "X-MailFilter-Trace";

    private readonly string _hostname;

    public TraceStage(string hostname)
    {
        _hostname = hostname;
    }

    public string Name => "trace";

    public ValueTask<MilterResponse?> RunAsync(OutboundContext context, CancellationToken cancellationToken)
    {
        string results = context.Results.Count == 0 ? "passed" : string.Join(", ", context.Results);
        context.Message.Headers.Insert(0, HeaderName, $"{_hostname} (mailfilterd {ThisAssembly.Version}); qid={context.QueueId}; {results}");
        return ValueTask.FromResult<MilterResponse?>(null);
    }
}
