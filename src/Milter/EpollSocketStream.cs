using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;

namespace MailFilter.Milter;

/// <summary>
/// An accepted MTA connection as a stream, read and written with non-blocking system calls and woken
/// by an <see cref="EpollLoop"/> (see there for why not <see cref="NetworkStream"/>). A read that finds
/// nothing waits for input; a write that finds the socket full asks the loop for output readiness
/// until it has written everything. Over TCP it re-arms TCP_QUICKACK after every read: Postfix writes
/// a milter packet as a length and then the rest (Nagle holds the second write until the first is
/// ACKed), and Linux delays ACKs by up to 40 ms, so without it every exchange can stall twice
/// (benchmark, issue 2). TCP_QUICKACK is not sticky, hence the re-arm. Used for the milter connections
/// and for mailfilterd's LMTP connections (Linux only; elsewhere <see cref="Open"/> gives a NetworkStream).
/// </summary>
public sealed partial class EpollSocketStream : Stream
{
    private const int DontWait = 0x40;   // MSG_DONTWAIT: the descriptor itself stays as accepted
    private const int NoSignal = 0x4000; // MSG_NOSIGNAL: a closed peer is EPIPE, not SIGPIPE
    private const int Eagain = 11;
    private const int Eintr = 4;
    private const int IpProtoTcp = 6;
    private const int TcpQuickAck = 12;  // linux/tcp.h
    private const short PollIn = 0x001;
    private const short PollOut = 0x004;

    private readonly Socket _socket;
    private readonly SafeHandle _handle;
    private readonly int _fd;
    private readonly EpollLoop _loop;
    private readonly long _token;
    private readonly bool _quickAck;
    private readonly Readiness _readable = new();
    private readonly Readiness _writable = new();
    private int _disposed;

    internal EpollSocketStream(Socket socket, bool quickAck)
    {
        _socket = socket;
        _handle = socket.SafeHandle;
        _fd = (int)_handle.DangerousGetHandle();
        _quickAck = quickAck;
        if (quickAck)
        {
            ArmQuickAck();
        }

        _loop = EpollLoop.Next();
        _token = _loop.Add(_fd, this);
    }

    /// <summary>
    /// The stream for an accepted connection; it owns the socket. TCP connections get TCP_NODELAY and
    /// TCP_QUICKACK.
    /// </summary>
    public static Stream Open(Socket accepted)
    {
        bool tcp = accepted.ProtocolType == ProtocolType.Tcp;
        if (tcp)
        {
            accepted.NoDelay = true;
        }

        return OperatingSystem.IsLinux() ? new EpollSocketStream(accepted, quickAck: tcp) : new NetworkStream(accepted, ownsSocket: true);
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    internal void OnReadable() => _readable.Notify();

    internal void OnWritable() => _writable.Notify();

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _readable.Reset();
            int n = Receive(buffer.Span);
            if (n >= 0)
            {
                return n;
            }

            // Nothing there: wait for the loop's word (false when it came in the meantime). Waiting at once
            // when the last read had emptied the socket would save this read; measured, it saved no CPU, and it
            // needs a flag of its own for a hang-up that came with the last data. Not done.
            if (_readable.TryBeginWait(cancellationToken))
            {
                await _readable.WaitAsync();
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _writable.Reset();
            int n = Send(buffer.Span);
            if (n >= 0)
            {
                buffer = buffer[n..];
                continue;
            }

            if (_writable.TryBeginWait(cancellationToken))
            {
                // Ask for output readiness only now (re-arming reports it at once if it is already there).
                Watch(EpollLoop.In | EpollLoop.Out | EpollLoop.RdHup);
                try
                {
                    await _writable.WaitAsync();
                }
                finally
                {
                    if (Volatile.Read(ref _disposed) == 0)
                    {
                        Watch(EpollLoop.In | EpollLoop.RdHup);
                    }
                }
            }
        }
    }

    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            int n = Receive(buffer);
            if (n >= 0)
            {
                return n;
            }

            Poll(PollIn);
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int n = Send(buffer);
            if (n >= 0)
            {
                buffer = buffer[n..];
            }
            else
            {
                Poll(PollOut);
            }
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _loop.Remove(_token);
            var gone = new ObjectDisposedException(nameof(EpollSocketStream));
            _readable.Fail(gone);
            _writable.Fail(gone);
            _socket.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Bytes read (0 at end of file), or -1 when nothing is there yet.</summary>
    private int Receive(Span<byte> buffer) => Transfer(buffer, send: false);

    /// <summary>Bytes written, or -1 when the socket is full.</summary>
    private int Send(ReadOnlySpan<byte> buffer) => Transfer(buffer, send: true);

    /// <summary>One non-blocking recv or send, retried on EINTR: bytes moved, or -1 for EAGAIN. Over TCP a read that got
    /// bytes re-arms TCP_QUICKACK.</summary>
    private unsafe int Transfer(ReadOnlySpan<byte> buffer, bool send)
    {
        AddRef();
        try
        {
            while (true)
            {
                nint n;
                fixed (byte* p = buffer)
                {
                    n = send
                        ? SendNative(_fd, p, (nuint)buffer.Length, DontWait | NoSignal)
                        : Recv(_fd, p, (nuint)buffer.Length, DontWait);
                }

                if (n >= 0)
                {
                    if (_quickAck && !send && n > 0)
                    {
                        ArmQuickAck();
                    }

                    return (int)n;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno == Eagain)
                {
                    return -1;
                }

                if (errno != Eintr)
                {
                    throw new IOException($"{(send ? "send" : "recv")}: {Marshal.GetPInvokeErrorMessage(errno)}");
                }
            }
        }
        finally
        {
            _handle.DangerousRelease();
        }
    }

    /// <summary>Changes what the loop watches this connection for (the descriptor held open meanwhile).</summary>
    private void Watch(uint events)
    {
        AddRef();
        try
        {
            _loop.Modify(_fd, _token, events);
        }
        finally
        {
            _handle.DangerousRelease();
        }
    }

    /// <summary>Keeps the descriptor open (and its number ours) for the length of a system call; released with
    /// <c>_handle.DangerousRelease()</c>.</summary>
    private void AddRef()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        bool added = false;
        _handle.DangerousAddRef(ref added);
    }

    private unsafe void Poll(short events)
    {
        AddRef();
        try
        {
            PollFd fd = new() { Fd = _fd, Events = events };
            if (PollNative(&fd, 1, -1) < 0 && Marshal.GetLastPInvokeError() != Eintr)
            {
                throw new IOException($"poll: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            }
        }
        finally
        {
            _handle.DangerousRelease();
        }
    }

    private unsafe void ArmQuickAck()
    {
        int one = 1;
        SetSockOpt(_fd, IpProtoTcp, TcpQuickAck, &one, sizeof(int)); // not fatal: only latency suffers
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private unsafe static partial nint Recv(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private unsafe static partial nint SendNative(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private unsafe static partial int PollNative(PollFd* fds, nuint count, int timeout);

    [LibraryImport("libc", EntryPoint = "setsockopt")]
    private unsafe static partial int SetSockOpt(int fd, int level, int name, int* value, uint length);

    /// <summary>
    /// One direction's readiness: Idle (nothing known), Ready (the loop said so since the last
    /// attempt), Waiting (an attempt found nothing and someone awaits). The loop's notification and
    /// the caller's "found nothing" race; whoever moves the state decides, so no wake-up is lost and
    /// a wait completes exactly once (by readiness, cancellation or disposal).
    /// </summary>
    private sealed class Readiness : IValueTaskSource
    {
        private const int Idle = 0;
        private const int Ready = 1;
        private const int Waiting = 2;

        private int _state;
        private ManualResetValueTaskSourceCore<bool> _core;
        private CancellationTokenRegistration _registration;

        /// <summary>Before a system call: notifications up to here are answered by the call.</summary>
        public void Reset() => Interlocked.Exchange(ref _state, Idle);

        /// <summary>After a call found nothing: true when the caller must await <see cref="WaitAsync"/>, false to try again.</summary>
        public bool TryBeginWait(CancellationToken cancellationToken)
        {
            _core.Reset();
            if (Interlocked.CompareExchange(ref _state, Waiting, Idle) != Idle)
            {
                return false;
            }

            if (cancellationToken.CanBeCanceled)
            {
                _registration = cancellationToken.UnsafeRegister(static (s, token) =>
                    ((Readiness)s!).Fail(new OperationCanceledException(token)), this);
            }

            return true;
        }

        public ValueTask WaitAsync() => new(this, _core.Version);

        public void Notify()
        {
            if (Interlocked.Exchange(ref _state, Ready) == Waiting)
            {
                _core.SetResult(true);
            }
        }

        public void Fail(Exception error)
        {
            if (Interlocked.CompareExchange(ref _state, Idle, Waiting) == Waiting)
            {
                _core.SetException(error);
            }
        }

        void IValueTaskSource.GetResult(short token)
        {
            _registration.Dispose();
            _registration = default;
            _core.GetResult(token);
        }

        ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

        void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}
