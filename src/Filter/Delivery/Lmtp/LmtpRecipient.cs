namespace MailFilter.Filter.Delivery.Lmtp;

/// <summary>An accepted RCPT: the address and, when the MTA gave one, the original recipient (ORCPT, RFC 3461 §4.2).</summary>
public sealed record LmtpRecipient(string Address, string? OriginalRecipient);
