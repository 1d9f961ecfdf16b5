using MailFilter.Crypto.Keys;

namespace MailFilter.Crypto.Signing;

/// <summary>
/// Looks a sender's signing key up by kid (mailfilter-authd's "public key by key id", local or
/// discovered from the sender's domain and pinned). Used by envelope opening (§6 step 10) and by
/// signature-header verification.
/// </summary>
public interface ISigningKeyResolver
{
    /// <summary>The record for <paramref name="kid"/>, or null if no such signing key is known.</summary>
    ValueTask<SigningKeyRecord?> FindSigningKeyAsync(KeyId kid, CancellationToken cancellationToken);
}
