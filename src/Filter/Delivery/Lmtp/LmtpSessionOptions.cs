namespace MailFilter.Filter.Delivery.Lmtp;

/// <summary>The protocol limits of an LMTP session.</summary>
public sealed record LmtpSessionOptions
{
    /// <summary>The name in the greeting and the LHLO reply.</summary>
    public string Hostname { get; init; } = Environment.MachineName;

    /// <summary>Largest message accepted (advertised as SIZE, RFC 1870); past it every recipient gets 552 5.3.4.</summary>
    public long MaxMessageSize { get; init; } = 1L << 30;

    /// <summary>Most recipients per transaction; further RCPTs get 452 4.5.3 (RFC 5321 §4.5.3.1.10), and the MTA sends them again later.</summary>
    public int MaxRecipients { get; init; } = 1000;

    /// <summary>Longest command line, CRLF included (RFC 5321 §4.5.3.1.4: at least 512).</summary>
    public int MaxLineLength { get; init; } = 2048;

    /// <summary>Bad commands tolerated before the connection is closed with 421.</summary>
    public int MaxErrors { get; init; } = 20;
}
