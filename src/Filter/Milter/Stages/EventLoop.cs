namespace MailFilter.Filter.Milter.Stages;

/// <summary>
/// When a stage leaves the socket's event loop before CPU-heavy work (docs/milter.md, "Threads and CPU").
/// Hashing and sealing cost about 5 µs per KiB here; below <see cref="OffloadThreshold"/> that is less than
/// the thread-pool hop itself (a wake-up and a context switch, measured by bench/Outbound), so small messages
/// stay on the loop and large ones move off it.
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
