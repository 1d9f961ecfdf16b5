namespace MailFilter.Filter.Delivery.Lmtp;

/// <summary>One mail transaction: MAIL, the accepted RCPTs, and what XFORWARD said about it.</summary>
public sealed class LmtpTransaction
{
    public LmtpTransaction(string mailFrom, string? queueId)
    {
        MailFrom = mailFrom;
        QueueId = queueId;
    }

    /// <summary>The reverse-path; empty for the null sender &lt;&gt;.</summary>
    public string MailFrom { get; }

    /// <summary>Postfix's queue id (XFORWARD IDENT), the key of the log lines; null if the client did not say.</summary>
    public string? QueueId { get; }

    /// <summary>The sending host's address as Postfix's smtpd saw it (XFORWARD ADDR), normalized; null if not said or unavailable.</summary>
    public string? ClientAddress { get; init; }

    /// <summary>The sending host's HELO name (XFORWARD HELO); null if not said or unavailable.</summary>
    public string? ClientHelo { get; init; }

    /// <summary>Accepted recipients in RCPT order: after DATA each gets one reply, in this order (RFC 2033 §4.2).</summary>
    public List<LmtpRecipient> Recipients { get; } = [];
}
