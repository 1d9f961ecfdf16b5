using MailFilter.Crypto.Keys;

namespace MailFilter.Crypto.Signing;

/// <summary>
/// What the key server knows about a signing key: the key, the address it belongs to, and when it
/// may sign (envelope-v1 §3.1: kid, alg, pk, address, not_before, not_after, revoked).
/// </summary>
/// <param name="PublicKey">The Ed25519 public key (its kid is the lookup key).</param>
/// <param name="Address">The address the key belongs to (canonicalized before comparison).</param>
/// <param name="NotBefore">The first instant the key may sign.</param>
/// <param name="NotAfter">The last instant the key may sign, or null while it is current.</param>
/// <param name="Revoked">Revoked keys verify nothing, whatever the signing time.</param>
public sealed record SigningKeyRecord(
    Ed25519PublicKey PublicKey,
    string Address,
    DateTimeOffset NotBefore,
    DateTimeOffset? NotAfter = null,
    bool Revoked = false);
