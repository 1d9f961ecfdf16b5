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

    /// <summary>
    /// The record for <paramref name="kid"/>, given the address the message claims signed it (the header's
    /// <c>i=</c>, the manifest's sender), so that a resolver backed by key discovery knows which domain to ask
    /// (docs/authd-api.md §3.3). The address only locates the key: the caller still checks the record's
    /// address. Resolvers without discovery ignore it.
    /// </summary>
    ValueTask<SigningKeyRecord?> FindSigningKeyAsync(KeyId kid, string? signerAddress, CancellationToken cancellationToken) =>
        FindSigningKeyAsync(kid, cancellationToken);
}
