using MailFilter.Crypto.Envelope;

namespace MailFilter.Messages;

/// <summary>One recipient's delivery of a message, as the LMTP transaction (or an admin) describes it.</summary>
public sealed record InboundRequest
{
    /// <summary>The MAIL FROM of this delivery; empty for the null reverse-path.</summary>
    public required string MailFrom { get; init; }

    /// <summary>The local recipient (RCPT TO).</summary>
    public required string Recipient { get; init; }

    /// <summary>
    /// The original recipient when the MTA passed one (LMTP ORCPT): a signature bound to it still passes after an
    /// alias rewrote the recipient (docs/signature-header.md §4, "Forwarding").
    /// </summary>
    public string? OriginalRecipient { get; init; }

    /// <summary>Unwraps the file key with this recipient's keys (mailfilter-authd's unwrap in production).</summary>
    public required IFileKeyUnwrapper Unwrapper { get; init; }

    /// <summary>Receive step 15. The delivery agent passes one that records only once the message is stored.</summary>
    public required IReplayGuard ReplayGuard { get; init; }

    /// <summary>
    /// When false, the envelope binding (<c>env=</c>) is not judged: an offline check of a stored message whose
    /// delivery envelope is unknown. The delivery agent always binds.
    /// </summary>
    public bool CheckEnvelopeBinding { get; init; } = true;
}
