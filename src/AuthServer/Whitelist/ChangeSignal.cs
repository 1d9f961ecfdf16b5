namespace MailFilter.AuthServer.Whitelist;

/// <summary>
/// Wakes the long polls of this authd when it commits a whitelist change (docs/whitelist.md §3.3). A waiter takes
/// <see cref="Next"/> before it reads the version, so a change committed in between still wakes it.
/// </summary>
public sealed class ChangeSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Pulse"/>.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Pulse() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
