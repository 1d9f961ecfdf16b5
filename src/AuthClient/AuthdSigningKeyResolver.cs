using MailFilter.AuthClient.Protocol;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signing;

namespace MailFilter.AuthClient;

/// <summary>
/// <see cref="ISigningKeyResolver"/> over mailfilter-authd's "public key by kid": local keys, and with the
/// signer's address (which the verifiers pass: the signature header's <c>i=</c>, the manifest's sender) keys
/// of other domains found by discovery and pinned (docs/authd-api.md §3.3). A peer that does not answer or
/// an unconfirmed pin change throws <see cref="AuthdUnavailableException"/>: the delivery tempfails.
/// </summary>
public sealed class AuthdSigningKeyResolver(AuthdClient client) : ISigningKeyResolver
{
    private readonly AuthdClient _client = client ?? throw new ArgumentNullException(nameof(client));

    public ValueTask<SigningKeyRecord?> FindSigningKeyAsync(KeyId kid, CancellationToken cancellationToken) =>
        FindSigningKeyAsync(kid, null, cancellationToken);

    public async ValueTask<SigningKeyRecord?> FindSigningKeyAsync(KeyId kid, string? signerAddress, CancellationToken cancellationToken)
    {
        var key = await _client.GetKeyAsync(kid, signerAddress, cancellationToken).ConfigureAwait(false);
        return key is { Use: KeyUse.Sign } ? KeyInfoConversions.ToSigningKeyRecord(key) : null;
    }
}
