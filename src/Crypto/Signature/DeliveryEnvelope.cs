namespace MailFilter.Crypto.Signature;

/// <summary>The SMTP (or LMTP) envelope of one delivery: the MAIL FROM and one local recipient (empty MAIL FROM for the null reverse-path).</summary>
public sealed record DeliveryEnvelope(string MailFrom, string Recipient);
