using MailFilter.Crypto.Signing;
using MailFilter.Filter.Milter.Stages;
using MailFilter.Milter;

namespace MailFilter.Filter.Milter;

/// <summary>What the pipeline stages share about one message: the milter's view (envelope, macros,
/// headers, spooled body), what the stages decided for it (intent, copies, signer), and the results each stage
/// records for the log line and the trace header. Disposing it disposes the copies' spooled content.</summary>
public sealed class OutboundContext : IDisposable
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

    /// <summary>What the intent stage decided; null when the message is not signed or encrypted here.</summary>
    public OutboundIntent? Intent { get; set; }

    /// <summary>The copies the message leaves as (intent stage): the original first, then one per Bcc recipient
    /// (docs/pipeline.md, step 7).</summary>
    public List<OutboundCopy> Copies { get; } = [];

    /// <summary>The sender's signer (mailfilter-authd), made once per message by the first stage that needs it.</summary>
    public IMessageSigner? Signer { get; set; }

    /// <summary>Records what a stage did; shows up in the per-message log line and the trace header.</summary>
    public void AddResult(string result)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(result);
        _results.Add(result);
    }

    public void Dispose()
    {
        foreach (var copy in Copies)
        {
            copy.Dispose();
        }
    }
}
