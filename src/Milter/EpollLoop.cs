using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace MailFilter.Milter;

/// <summary>
/// Readiness notification for accepted MTA connections (Linux): an epoll instance per CPU, each with
/// one thread that waits on it and runs what a notification wakes, inline. It exists because .NET's
/// socket engine registers every socket for input and output, edge-triggered, and a unix socket
/// signals "writable" every time the peer reads what we wrote: Postfix reads every milter reply, so
/// two of every five wake-ups of mailfilterd were for nothing (strace of the issue 2 benchmark).
/// Connections here are registered for input only; output readiness is asked for only while a write
/// is blocked (<see cref="EpollSocketStream"/>).
/// </summary>
internal sealed unsafe partial class EpollLoop
{
    internal const uint In = 0x001;
    internal const uint Out = 0x004;
    private const uint Err = 0x008;
    private const uint Hup = 0x010;
    internal const uint RdHup = 0x2000;
    internal const uint EdgeTriggered = 1u << 31;

    private const int CtlAdd = 1;
    private const int CtlMod = 3;
    private const int CloseOnExec = 0x80000;
    private const int Eintr = 4;
    private const int MaxEvents = 256;

    // struct epoll_event is packed on x86-64 (12 bytes, data at 4), naturally aligned elsewhere.
    private static readonly int s_eventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int s_dataOffset = s_eventSize - 8;

    private static readonly Lazy<EpollLoop[]> s_loops = new(() =>
        Enumerable.Range(0, Math.Max(1, Environment.ProcessorCount)).Select(i => new EpollLoop(i)).ToArray());

    private static int s_next;

    private readonly int _epoll;
    private readonly ConcurrentDictionary<long, EpollSocketStream> _streams = new();
    private long _nextToken;

    private EpollLoop(int index)
    {
        _epoll = EpollCreate1(CloseOnExec);
        if (_epoll < 0)
        {
            throw new IOException($"epoll_create1: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        var thread = new Thread(Run) { IsBackground = true, Name = $"milter-epoll-{index}" };
        thread.UnsafeStart();
    }

    /// <summary>The loop for the next connection (round robin over the CPUs).</summary>
    public static EpollLoop Next()
    {
        var loops = s_loops.Value;
        return loops[(int)((uint)Interlocked.Increment(ref s_next) % (uint)loops.Length)];
    }

    /// <summary>Registers a connection for input (and hang-up); returns its token.</summary>
    public long Add(int fd, EpollSocketStream stream)
    {
        long token = Interlocked.Increment(ref _nextToken);
        _streams[token] = stream;
        try
        {
            Control(CtlAdd, fd, token, In | RdHup | EdgeTriggered, "EPOLL_CTL_ADD");
        }
        catch (IOException)
        {
            _streams.TryRemove(token, out _);
            throw;
        }

        return token;
    }

    /// <summary>Changes what a connection is registered for (re-arms: current readiness is reported again).</summary>
    public void Modify(int fd, long token, uint events) => Control(CtlMod, fd, token, events | EdgeTriggered, "EPOLL_CTL_MOD");

    /// <summary>Forgets a connection about to be closed (closing its descriptor takes it out of the epoll set).</summary>
    public void Remove(long token) => _streams.TryRemove(token, out _);

    private void Control(int op, int fd, long token, uint events, string what)
    {
        byte* ev = stackalloc byte[16];
        *(uint*)ev = events;
        *(long*)(ev + s_dataOffset) = token;
        if (EpollCtl(_epoll, op, fd, ev) != 0)
        {
            throw new IOException($"{what}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }

    private void Run()
    {
        byte* events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * s_eventSize));
        while (true)
        {
            int n = EpollWait(_epoll, events, MaxEvents, -1);
            if (n < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno != Eintr)
                {
                    // EBADF, EFAULT or EINVAL: a bug, and every connection on this loop would hang unanswered. Stop
                    // loudly instead (the message goes to standard error, the journal); the MTA tempfails meanwhile
                    // (milter_default_action) and systemd starts mailfilterd again.
                    Environment.FailFast($"{Thread.CurrentThread.Name}: epoll_wait failed: {Marshal.GetPInvokeErrorMessage(errno)}");
                }

                continue;
            }

            for (int i = 0; i < n; i++)
            {
                byte* e = events + i * s_eventSize;
                uint flags = *(uint*)e;
                if (_streams.TryGetValue(*(long*)(e + s_dataOffset), out var stream))
                {
                    // Continuations run here, inline; they catch their own exceptions (async methods),
                    // so nothing thrown here can stop the loop.
                    if ((flags & (In | RdHup | Hup | Err)) != 0)
                    {
                        stream.OnReadable();
                    }

                    if ((flags & (Out | Hup | Err)) != 0)
                    {
                        stream.OnWritable();
                    }
                }
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    private static partial int EpollCreate1(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static partial int EpollCtl(int epfd, int op, int fd, byte* ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    private static partial int EpollWait(int epfd, byte* events, int maxEvents, int timeout);
}
