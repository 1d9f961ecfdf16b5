using System.Collections.Concurrent;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signing;

namespace MailFilter.Filter.Delivery;

/// <summary>
/// Keeps signing keys found by kid for <c>[filter] key_cache_ttl</c>, so a delivery asks mailfilter-authd once per
/// sender key instead of once for the envelope and once more for the signature header inside it (and again for each
/// recipient). Only keys found are kept (an unknown kid may be discovered a moment later); a revocation shows after
/// at most the TTL, the same bound mailfilter-authd's own key cache has (docs/authd-api.md §6).
/// </summary>
internal sealed class CachingSigningKeyResolver(ISigningKeyResolver inner, TimeSpan ttl, TimeProvider time) : ISigningKeyResolver
{
    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<KeyId, (SigningKeyRecord Record, DateTimeOffset Expires)> _cache = new();

    public ValueTask<SigningKeyRecord?> FindSigningKeyAsync(KeyId kid, CancellationToken cancellationToken) =>
        FindSigningKeyAsync(kid, null, cancellationToken);

    public async ValueTask<SigningKeyRecord?> FindSigningKeyAsync(KeyId kid, string? signerAddress, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (ttl > TimeSpan.Zero && _cache.TryGetValue(kid, out var entry) && entry.Expires > now)
        {
            return entry.Record;
        }

        var record = await inner.FindSigningKeyAsync(kid, signerAddress, cancellationToken).ConfigureAwait(false);
        // mailfilter-authd's reply was read on .NET's socket thread (src/Filter/Program.cs); the verification that
        // follows, of a message of any size, moves to the thread pool (src/Filter/EventLoop.cs). A lookup reaches
        // authd once per key and TTL, so the hop is rare; a cached key is returned without one.
        await Task.Yield();
        if (record is not null && ttl > TimeSpan.Zero)
        {
            if (_cache.Count >= MaxEntries)
            {
                _cache.Clear(); // crude but bounded: senders' keys come back on the next lookup
            }

            _cache[kid] = (record, now + ttl);
        }

        return record;
    }
}
