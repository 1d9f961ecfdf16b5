namespace MailFilter.Crypto.Envelope;

/// <summary>
/// Receive step 15. The production guard is mailfilter-authd's database; it should make a delivery
/// retry of the same envelope (after a tempfail downstream) distinguishable from a replay, for example
/// by recording only once delivery succeeded.
/// </summary>
public interface IReplayGuard
{
    /// <summary>Records <paramref name="key"/>; false if it was already recorded (a replay).</summary>
    ValueTask<bool> TryRecordAsync(ReplayKey key, CancellationToken cancellationToken);
}
