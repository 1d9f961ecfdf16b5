namespace MailFilter.Milter.Client;

/// <summary>The outcome of sending one message through a filter.</summary>
public sealed record MilterCheckResult
{
    /// <summary>Each step that got a reply, in order ("connect", "helo", "mail", "rcpt &lt;x&gt;", ...); steps
    /// under a no-reply flag are not listed.</summary>
    public required IReadOnlyList<(string Step, MilterClientReply? Reply)> Steps { get; init; }

    /// <summary>End-of-message modifications and final reply; null when a step before ended the message.</summary>
    public EndOfMessageResult? EndOfMessage { get; init; }

    /// <summary>The verdict that decided the message: the first non-continue reply, or EOM's.</summary>
    public required MilterClientReply Verdict { get; init; }

    /// <summary>The step that decided the message.</summary>
    public required string DecidedAt { get; init; }
}
