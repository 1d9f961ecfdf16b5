using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signing;
using MailFilter.Filter.Configuration;

namespace MailFilter.Filter.Milter.Stages;

/// <summary>
/// Keys from mailfilter-authd (docs/authd-api.md §3): the sender's signer with its current key, recipients'
/// encryption keys. Addresses of a local domain get keys on first use (<c>POST /v1/keys/current</c> with
/// create); any other address is looked up by address (<c>GET /v1/keys?address=</c>), which authd answers
/// from its own store or, for a peer domain, from key discovery. Every authd failure propagates:
/// <see cref="AuthdUnavailableException"/> becomes a tempfail.
/// </summary>
public sealed class AuthdOutboundKeys : IOutboundKeys
{
    private readonly AuthdClient _client;
    private readonly PolicySettings _policy;

    public AuthdOutboundKeys(AuthdClient client, PolicySettings policy)
    {
        _client = client;
        _policy = policy;
    }

    public async Task<IMessageSigner> GetSignerAsync(string sender, CancellationToken cancellationToken) =>
        await AuthdMessageSigner.CreateAsync(_client, sender, cancellationToken).ConfigureAwait(false);

    public async Task<X25519PublicKey?> FindEncryptionKeyAsync(string recipient, CancellationToken cancellationToken)
    {
        KeyInfo? key;
        if (_policy.IsLocal(recipient))
        {
            key = await _client.GetCurrentKeyAsync(recipient, KeyUse.Encrypt, create: true, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var keys = await _client.GetKeysAsync(recipient, cancellationToken).ConfigureAwait(false);
            key = keys.FirstOrDefault(k => k.Use == KeyUse.Encrypt && k.Current && k.RevokedAt is null);
        }

        // ToX25519 checks the kid against the public key: a corrupt answer is an exception, never a wrong key.
        return key is null ? null : KeyInfoConversions.ToX25519(key);
    }
}
