using MailFilter.Milter;

namespace MailFilter.Filter.Milter;

/// <summary>What the pipeline stages share about one message: the milter's view (envelope, macros,
/// headers, spooled body) and the results each stage records for the log line and the trace header.</summary>
public sealed class OutboundContext
{
    private readonly List<string> _results = [];

    public OutboundContext(MilterContext milter, MilterMessage message)
    {
        Milter = milter;
        Message = message;
    }

    public MilterContext Milter { get; }

    public MilterMessage Message { get; }

    /// <summary>The Postfix queue id, or "-" when the MTA did not send one.</summary>
    public string QueueId => Milter.QueueId ?? "-";

    /// <summary>Results recorded by stages, in order ("signed", "encrypted=3", ...).</summary>
    public IReadOnlyList<string> Results => _results;

    /// <summary>Records what a stage did; shows up in the per-message log line and the trace header.</summary>
    public void AddResult(string result)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(result);
        _results.Add(result);
    }
}
