using System.Collections.Concurrent;

namespace MailFilter.Crypto.Envelope;

/// <summary>An <see cref="IReplayGuard"/> in memory, unbounded: for tests and one-shot tools.</summary>
public sealed class MemoryReplayGuard : IReplayGuard
{
    private readonly ConcurrentDictionary<ReplayKey, byte> _seen = new();

    public ValueTask<bool> TryRecordAsync(ReplayKey key, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_seen.TryAdd(key, 0));
}
