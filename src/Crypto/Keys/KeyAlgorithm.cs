namespace MailFilter.Crypto.Keys;

/// <summary>The algorithm byte that goes into a key id (docs/envelope.md §2).</summary>
public enum KeyAlgorithm : byte
{
    /// <summary>Ed25519 signing key.</summary>
    Ed25519 = 0x01,
    /// <summary>X25519 encryption key (an age recipient).</summary>
    X25519 = 0x02,
}
