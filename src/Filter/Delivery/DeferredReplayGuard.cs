using MailFilter.Crypto.Envelope;

namespace MailFilter.Filter.Delivery;

/// <summary>
/// The replay guard of one recipient's delivery: the opener's check (step 15) only looks; the envelope is recorded
/// when the store said 250 (<see cref="Commit"/>). So a delivery that is tempfailed after opening (store down) and
/// retried by Postfix is not taken for a replay of itself (IReplayGuard's remark).
/// </summary>
internal sealed class DeferredReplayGuard(ReplayCache cache) : IReplayGuard
{
    private ReplayKey? _pending;

    public ValueTask<bool> TryRecordAsync(ReplayKey key, CancellationToken cancellationToken)
    {
        if (cache.Contains(key))
        {
            return ValueTask.FromResult(false);
        }

        _pending = key;
        return ValueTask.FromResult(true);
    }

    /// <summary>The message is stored: from now on the same envelope for this recipient is a replay.</summary>
    public void Commit()
    {
        if (_pending is { } key)
        {
            cache.Add(key);
        }
    }
}
