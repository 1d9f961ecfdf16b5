using MailFilter.Crypto.Keys;

namespace MailFilter.Crypto.Envelope;

/// <summary>One recipient entry of a manifest: a canonical address and the X25519 kid it was sealed to.</summary>
public readonly record struct ManifestRecipient(string Address, KeyId Kid);
