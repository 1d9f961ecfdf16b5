using MailFilter.Milter.Wire;

namespace MailFilter.Milter;

/// <summary>What a handler answers to one protocol step.</summary>
public enum MilterResponseKind
{
    /// <summary>Go on (SMFIR_CONTINUE).</summary>
    Continue,
    /// <summary>Accept the message (or, at CONNECT/HELO, the whole session) and stop filtering it (SMFIR_ACCEPT).</summary>
    Accept,
    /// <summary>550 5.7.1 (SMFIR_REJECT); at RCPT only that recipient.</summary>
    Reject,
    /// <summary>451 4.7.1 (SMFIR_TEMPFAIL); the client retries.</summary>
    Tempfail,
    /// <summary>Accept, then drop the message silently (SMFIR_DISCARD). Not at CONNECT/HELO.</summary>
    Discard,
    /// <summary>Stop sending events of this type (SMFIR_SKIP); only if the MTA offered SKIP, else Continue.</summary>
    Skip,
    /// <summary>421 and disconnect (SMFIR_SHUTDOWN).</summary>
    Shutdown,
    /// <summary>A specific 4xx/5xx reply (SMFIR_REPLYCODE).</summary>
    Reply,
}

/// <summary>A handler's verdict for one step. Use the static instances or <see cref="WithReply"/>.</summary>
public sealed class MilterResponse
{
    public static readonly MilterResponse Continue = new(MilterResponseKind.Continue, null);
    public static readonly MilterResponse Accept = new(MilterResponseKind.Accept, null);
    public static readonly MilterResponse Reject = new(MilterResponseKind.Reject, null);
    public static readonly MilterResponse Tempfail = new(MilterResponseKind.Tempfail, null);
    public static readonly MilterResponse Discard = new(MilterResponseKind.Discard, null);
    public static readonly MilterResponse Skip = new(MilterResponseKind.Skip, null);
    public static readonly MilterResponse Shutdown = new(MilterResponseKind.Shutdown, null);

    public static readonly ValueTask<MilterResponse> ContinueTask = ValueTask.FromResult(Continue);

    private MilterResponse(MilterResponseKind kind, SmtpReply? reply)
    {
        Kind = kind;
        Reply = reply;
    }

    public MilterResponseKind Kind { get; }

    public SmtpReply? Reply { get; }

    /// <summary>True for verdicts that end the message (or recipient) rather than let it go on.</summary>
    public bool IsFinal => Kind is not (MilterResponseKind.Continue or MilterResponseKind.Skip);

    public static MilterResponse WithReply(SmtpReply reply) => new(MilterResponseKind.Reply, reply ?? throw new ArgumentNullException(nameof(reply)));

    public static MilterResponse WithReply(int code, string enhancedStatus, string text) =>
        WithReply(SmtpReply.Create(code, enhancedStatus, text));

    internal MilterReplyCode ReplyCode(bool skipNegotiated) => Kind switch
    {
        MilterResponseKind.Continue => MilterReplyCode.Continue,
        MilterResponseKind.Accept => MilterReplyCode.Accept,
        MilterResponseKind.Reject => MilterReplyCode.Reject,
        MilterResponseKind.Tempfail => MilterReplyCode.Tempfail,
        MilterResponseKind.Discard => MilterReplyCode.Discard,
        MilterResponseKind.Skip => skipNegotiated ? MilterReplyCode.Skip : MilterReplyCode.Continue,
        MilterResponseKind.Shutdown => MilterReplyCode.Shutdown,
        MilterResponseKind.Reply => MilterReplyCode.ReplyCode,
        _ => MilterReplyCode.Continue,
    };

    public override string ToString() => Kind == MilterResponseKind.Reply ? $"reply {Reply}" : Kind.ToString().ToLowerInvariant();
}
