namespace MailFilter.Filter;

/// <summary>
/// When work leaves the socket's event loop (docs/milter.md, "Threads and CPU"). Milter stages and LMTP deliveries run
/// on the thread that read their input: one of mailfilterd's epoll threads, shared by every MTA connection assigned to
/// it. Sealing and hashing run at hundreds of MB/s on the machines measured (docs/benchmarks.md, crypto), so a message
/// under <see cref="OffloadThreshold"/> holds the loop for well under a millisecond, while every hop to the thread pool
/// is a wake-up and a context switch per message; large messages move off the loop, right before the heavy work and
/// after the last await: a reply from mailfilter-authd resumes on .NET's socket thread (src/Filter/Program.cs), so work
/// that follows one leaves again (per copy when signing and sealing; the delivery agent's unwrap and key lookups, whose
/// heavy work follows inside the verifier, leave when they return). Work that blocks (fsync) always
/// runs on the thread pool, whatever the size (<see cref="Delivery.MaildirStore"/>).
/// </summary>
internal static class EventLoop
{
    public const long OffloadThreshold = 128 * 1024;

    /// <summary>Yields to the thread pool when the message is large enough for it to pay.</summary>
    public static async ValueTask LeaveForAsync(long bodyLength)
    {
        if (bodyLength >= OffloadThreshold)
        {
            await Task.Yield();
        }
    }
}
