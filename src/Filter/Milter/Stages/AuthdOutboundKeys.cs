using System.Collections.Concurrent;
using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signing;
using MailFilter.Filter.Configuration;

namespace MailFilter.Filter.Milter.Stages;

/// <summary>
/// Keys from mailfilter-authd (docs/authd-api.md §3): the sender's signer with its current key, recipients'
/// encryption keys (<c>POST /v1/keys/current</c>: created on first use for a local domain, found by key
/// discovery for a peer domain). Every authd failure propagates:
/// <see cref="AuthdUnavailableException"/> becomes a tempfail.
/// Public keys found are kept for <c>[filter] key_cache_ttl</c> (the same bound authd itself puts on a
/// rotation or revocation made through another instance), so a message costs one authd call per signature
/// instead of one more per address. A signer whose key was rotated meanwhile fails with "key-rotated" and
/// is forgotten at once (<see cref="Forget"/>); keyless addresses are not cached.
/// </summary>
public sealed class AuthdOutboundKeys : IOutboundKeys
{
    private readonly AuthdClient _client;
    private readonly PolicySettings _policy;
    private readonly TimeSpan _ttl;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (IMessageSigner Signer, DateTimeOffset Until)> _signers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, (X25519PublicKey Key, DateTimeOffset Until)> _recipients = new(StringComparer.OrdinalIgnoreCase);

    public AuthdOutboundKeys(AuthdClient client, PolicySettings policy, TimeSpan? cacheTtl = null, TimeProvider? time = null)
    {
        _client = client;
        _policy = policy;
        _ttl = cacheTtl ?? TimeSpan.FromSeconds(60);
        _time = time ?? TimeProvider.System;
    }

    public async Task<IMessageSigner> GetSignerAsync(string sender, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_signers.TryGetValue(sender, out var cached) && cached.Until > now)
        {
            return cached.Signer;
        }

        IMessageSigner signer = await AuthdMessageSigner.CreateAsync(_client, sender, cancellationToken).ConfigureAwait(false);
        if (_ttl > TimeSpan.Zero)
        {
            _signers[sender] = (signer, now + _ttl);
        }

        return signer;
    }

    public async Task<X25519PublicKey?> FindEncryptionKeyAsync(string recipient, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_recipients.TryGetValue(recipient, out var cached) && cached.Until > now)
        {
            return cached.Key;
        }

        // One call for every address (authd-api.md §9): authd creates a local recipient's key on first use and
        // answers another domain's pinned key through discovery (§7.3); an unconfirmed pin change or an
        // unreachable peer is AuthdUnavailableException (tempfail), a domain without keys null.
        var key = await _client.GetCurrentKeyAsync(recipient, KeyUse.Encrypt, create: _policy.IsLocal(recipient), cancellationToken).ConfigureAwait(false);
        if (key is null)
        {
            return null;
        }

        // ToX25519 checks the kid against the public key: a corrupt answer is an exception, never a wrong key.
        var publicKey = KeyInfoConversions.ToX25519(key);
        if (_ttl > TimeSpan.Zero)
        {
            _recipients[recipient] = (publicKey, now + _ttl);
        }

        return publicKey;
    }

    public void Forget(string address)
    {
        _signers.TryRemove(address, out _);
        _recipients.TryRemove(address, out _);
    }
}
