using MailFilter.Filter.Delivery.Lmtp;

namespace MailFilter.Filter.Delivery;

/// <summary>A store's answer for one recipient: the LMTP reply to give, and for a failure a short cause for the log
/// (never content).</summary>
public sealed record StoreOutcome(LmtpReply Reply, string? Detail = null);
