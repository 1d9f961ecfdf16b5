using MailFilter.AuthClient.Protocol;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signing;

namespace MailFilter.AuthClient;

/// <summary><see cref="ISigningKeyResolver"/> over mailfilter-authd's "public key by kid" (local keys; discovered ones once issue 5 pins them).</summary>
public sealed class AuthdSigningKeyResolver(AuthdClient client) : ISigningKeyResolver
{
    private readonly AuthdClient _client = client ?? throw new ArgumentNullException(nameof(client));

    public async ValueTask<SigningKeyRecord?> FindSigningKeyAsync(KeyId kid, CancellationToken cancellationToken)
    {
        var key = await _client.GetKeyAsync(kid, cancellationToken).ConfigureAwait(false);
        return key is { Use: KeyUse.Sign } ? KeyInfoConversions.ToSigningKeyRecord(key) : null;
    }
}
