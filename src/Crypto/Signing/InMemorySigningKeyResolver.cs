using System.Collections.Concurrent;
using MailFilter.Crypto.Keys;

namespace MailFilter.Crypto.Signing;

/// <summary>A fixed set of signing-key records in memory: for tests, benchmarks and offline verification.</summary>
public sealed class InMemorySigningKeyResolver : ISigningKeyResolver
{
    private readonly ConcurrentDictionary<KeyId, SigningKeyRecord> _records = new();

    public void Add(SigningKeyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        _records[record.PublicKey.KeyId] = record;
    }

    public ValueTask<SigningKeyRecord?> FindSigningKeyAsync(KeyId kid, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_records.TryGetValue(kid, out var record) ? record : null);
}
