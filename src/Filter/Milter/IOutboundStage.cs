using MailFilter.Milter;

namespace MailFilter.Filter.Milter;

/// <summary>
/// One stage of the outbound pipeline (DESIGN.md: classify, intent, whitelist, links, sign, register,
/// encrypt, trace). Stages run in order. At MAIL and RCPT a stage may refuse the sender or one recipient
/// (the whitelist decides per recipient at RCPT time); at end of message each stage edits the message
/// through the context and may end the pipeline with a verdict. Stages run on the socket's event loop:
/// a stage with CPU-heavy work (signing, encrypting a large body) awaits <c>Task.Yield()</c> before it,
/// so other connections are not held up.
/// </summary>
public interface IOutboundStage
{
    /// <summary>Short name for logs and the trace header.</summary>
    string Name { get; }

    /// <summary>MAIL FROM: null to go on, or a verdict for the whole message.</summary>
    ValueTask<MilterResponse?> OnMailFromAsync(MilterContext context, EnvelopeAddress sender, CancellationToken cancellationToken) =>
        ValueTask.FromResult<MilterResponse?>(null);

    /// <summary>Whether the stage may refuse a recipient at RCPT (<see cref="OnRecipientAsync"/>). When no stage does,
    /// the pipeline tells the MTA not to wait for an answer to each RCPT (SMFIP_NR_RCPT): one round trip less per
    /// message.</summary>
    bool AnswersRecipients => false;

    /// <summary>RCPT TO: null to go on, or a reject/tempfail/reply for this recipient only (a stage that refuses says
    /// so in <see cref="AnswersRecipients"/>).</summary>
    ValueTask<MilterResponse?> OnRecipientAsync(MilterContext context, EnvelopeAddress recipient, CancellationToken cancellationToken) =>
        ValueTask.FromResult<MilterResponse?>(null);

    /// <summary>End of message: edit the message; null lets the next stage run, a verdict stops there.</summary>
    ValueTask<MilterResponse?> RunAsync(OutboundContext context, CancellationToken cancellationToken);
}
