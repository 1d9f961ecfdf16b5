using MailFilter.Crypto.Envelope;
using MailFilter.Filter.Delivery;

namespace MailFilter.Filter.Tests.Delivery;

/// <summary>The delivery agent's unwrap: mailfilter-authd's reply is read on .NET's socket thread, and a large envelope
/// is decrypted after it, so the agent continues on the thread pool then (src/Filter/EventLoop.cs).</summary>
public sealed class OffLoopUnwrapperTests
{
    /// <summary>Completes the unwrap on a thread of its own, as .NET's socket thread completes authd's reply.</summary>
    private sealed class ReplyOnOwnThread : IFileKeyUnwrapper
    {
        public int ThreadId { get; private set; }

        public ValueTask<UnwrappedFileKey?> UnwrapAsync(UnwrapRequest request, CancellationToken cancellationToken) =>
            new(Lab.SocketThread.Reply<UnwrappedFileKey?>(null, id => ThreadId = id));
    }

    [Theory]
    [InlineData(10 * 1024, false)]
    [InlineData(EventLoop.OffloadThreshold, true)]
    public async Task AfterTheUnwrapALargeMessageContinuesOnThePool(long messageLength, bool onPool)
    {
        var inner = new ReplyOnOwnThread();
        // Outside xUnit's synchronization context, as in mailfilterd (none there).
        var (pool, thread) = await Task.Run(async () =>
        {
            await new DeliveryAgent.OffLoopUnwrapper(inner, messageLength).UnwrapAsync(new UnwrapRequest([], null), CancellationToken.None);
            return (Thread.CurrentThread.IsThreadPoolThread, Environment.CurrentManagedThreadId);
        });
        Assert.Equal(onPool, pool);
        Assert.Equal(!onPool, thread == inner.ThreadId);
    }
}
