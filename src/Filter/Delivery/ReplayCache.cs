using System.Collections.Concurrent;
using MailFilter.Crypto.Envelope;

namespace MailFilter.Filter.Delivery;

/// <summary>
/// Envelopes delivered so far (docs/envelope.md §6 step 15: recipient, sender, Message-ID, created), in memory and
/// bounded: past <see cref="Capacity"/> the oldest entries are forgotten. It stops an envelope from being delivered
/// twice to the same mailbox while mailfilterd runs; it is not shared between processes or kept across restarts.
/// </summary>
public sealed class ReplayCache
{
    private readonly ConcurrentDictionary<ReplayKey, byte> _seen = new();
    private readonly ConcurrentQueue<ReplayKey> _order = new();

    public ReplayCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Count => _seen.Count;

    public bool Contains(ReplayKey key) => _seen.ContainsKey(key);

    /// <summary>Records a delivered envelope; false if it was recorded already.</summary>
    public bool Add(ReplayKey key)
    {
        if (!_seen.TryAdd(key, 0))
        {
            return false;
        }

        _order.Enqueue(key);
        while (_seen.Count > Capacity && _order.TryDequeue(out var oldest))
        {
            _seen.TryRemove(oldest, out _);
        }

        return true;
    }
}
