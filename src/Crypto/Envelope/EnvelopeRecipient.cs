using MailFilter.Crypto.Keys;

namespace MailFilter.Crypto.Envelope;

/// <summary>A recipient to seal to: the address (canonicalized when sealing) and its current X25519 key.</summary>
public sealed record EnvelopeRecipient(string Address, X25519PublicKey Key);
