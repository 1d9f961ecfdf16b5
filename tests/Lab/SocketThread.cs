namespace MailFilter.Lab;

/// <summary>
/// Completes a task on a thread of its own a moment after the caller started awaiting it, as .NET's socket thread
/// completes a reply from mailfilter-authd in mailfilterd (inline completions): for tests of where work continues
/// after such a reply (src/Filter/EventLoop.cs).
/// </summary>
public static class SocketThread
{
    /// <summary>The task, and the managed thread id it completed on (known once it completed).</summary>
    public static Task<T> Reply<T>(T value, Action<int>? completedOn = null)
    {
        var reply = new TaskCompletionSource<T>();
        new Thread(() =>
        {
            Thread.Sleep(20); // the caller is awaiting by now
            completedOn?.Invoke(Environment.CurrentManagedThreadId);
            reply.SetResult(value);
        }) { IsBackground = true, Name = "socket thread" }.Start();
        return reply.Task;
    }
}
