namespace MailFilter.Filter.Milter.Stages;

/// <summary>
/// When a stage leaves the socket's event loop before CPU-heavy work (docs/milter.md, "Threads and CPU").
/// Sealing runs at about 700 MB/s on the machines measured (docs/benchmarks.md, crypto), so a message under
/// <see cref="OffloadThreshold"/> holds the loop for well under a millisecond, while every hop to the thread
/// pool is a wake-up and a context switch per message; large messages move off the loop.
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
