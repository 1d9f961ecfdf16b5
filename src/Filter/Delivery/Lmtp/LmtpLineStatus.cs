namespace MailFilter.Filter.Delivery.Lmtp;

/// <summary>What <see cref="LmtpLineReader.TryRead"/> found.</summary>
public enum LmtpLineStatus
{
    /// <summary>No complete line yet; nothing was consumed (unless an over-long line is being skipped).</summary>
    NeedMore,

    /// <summary>One command line, without its line break.</summary>
    Line,

    /// <summary>A line longer than the limit ended; its bytes were dropped. Answer 500 5.5.2 and go on (RFC 5321 §4.5.3.1.4).</summary>
    TooLong,
}
