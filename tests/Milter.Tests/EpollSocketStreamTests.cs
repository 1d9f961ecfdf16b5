using System.Net;
using System.Net.Sockets;

namespace MailFilter.Milter.Tests;

/// <summary>
/// The listener's own socket stream (registered for input only, output readiness asked for while a
/// write is blocked): reads, the end of input however it arrives, blocked writes, cancellation and
/// disposal, over unix sockets and loopback TCP. Run on their own (their megabytes through sockets would take the
/// CPU from the timing-sensitive session tests that otherwise run beside them on a 2-CPU machine).
/// </summary>
[Collection(Name)]
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EpollSocketStreamTests
{
    private const string Name = "epoll socket stream";

    /// <summary>Writes bigger than this cannot complete before the peer reads (both sides' buffers are set small).</summary>
    private const int Blocking = 2 * 1024 * 1024;

    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(10);

    public static TheoryData<bool> Transports() => new() { false, true };

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task DataWrittenTogetherWithTheCloseIsReadAndThenTheEnd(bool tcp)
    {
        // The data and the hang-up come with one notification; the read that returns the data empties the
        // socket, and the next read must still see the end instead of waiting for a notification that came.
        // (A version that waited at once after a read that emptied the socket failed here.)
        for (int round = 0; round < 50; round++)
        {
            var (stream, peer) = await PairAsync(tcp);
            await using (stream)
            {
                peer.Send("hello"u8);
                peer.Close();
                await Task.Delay(round % 5);
                var buffer = new byte[4096];
                Assert.Equal(5, await stream.ReadAsync(buffer).AsTask().WaitAsync(s_limit));
                Assert.Equal(0, await stream.ReadAsync(buffer).AsTask().WaitAsync(s_limit));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ReadsWaitForInputThatComesLater(bool tcp)
    {
        var (stream, peer) = await PairAsync(tcp);
        await using (stream)
        using (peer)
        {
            var buffer = new byte[8];
            for (int i = 0; i < 200; i++)
            {
                var read = stream.ReadAsync(buffer).AsTask();
                if (i % 2 == 0)
                {
                    await Task.Yield();
                }

                peer.Send([(byte)i]);
                Assert.Equal(1, await read.WaitAsync(s_limit));
                Assert.Equal((byte)i, buffer[0]);
            }

            peer.Shutdown(SocketShutdown.Send);
            Assert.Equal(0, await stream.ReadAsync(buffer).AsTask().WaitAsync(s_limit));
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task AWriteLargerThanTheSocketBuffersWaitsForThePeerToRead(bool tcp)
    {
        var (stream, peer) = await PairAsync(tcp);
        await using (stream)
        using (peer)
        {
            var payload = new byte[Blocking];
            Random.Shared.NextBytes(payload);
            var write = stream.WriteAsync(payload).AsTask();
            await Task.Delay(100);
            Assert.False(write.IsCompleted); // the socket buffers are full: the write waits for output readiness

            var received = new MemoryStream();
            var chunk = new byte[64 * 1024];
            while (received.Length < payload.Length)
            {
                int n = await peer.ReceiveAsync(chunk.AsMemory()).AsTask().WaitAsync(s_limit);
                Assert.NotEqual(0, n);
                received.Write(chunk, 0, n);
            }

            await write.WaitAsync(s_limit);
            Assert.True(payload.AsSpan().SequenceEqual(received.ToArray()));

            // Input still works after output readiness was asked for and given back.
            peer.Send("x"u8);
            Assert.Equal(1, await stream.ReadAsync(chunk).AsTask().WaitAsync(s_limit));
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ABlockedWriteFailsWhenThePeerGoesAway(bool tcp)
    {
        var (stream, peer) = await PairAsync(tcp);
        await using (stream)
        {
            var write = stream.WriteAsync(new byte[Blocking]).AsTask();
            await Task.Delay(100);
            Assert.False(write.IsCompleted);
            peer.Close();
            await Assert.ThrowsAsync<IOException>(() => write.WaitAsync(s_limit));
        }
    }

    [Fact]
    public async Task APendingReadEndsWithItsCancellationAndTheNextReadWorks()
    {
        var (stream, peer) = await PairAsync(tcp: false);
        await using (stream)
        using (peer)
        {
            var buffer = new byte[16];
            using (var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50)))
            {
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream.ReadAsync(buffer, cancel.Token).AsTask().WaitAsync(s_limit));
            }

            peer.Send("ok"u8);
            Assert.Equal(2, await stream.ReadAsync(buffer).AsTask().WaitAsync(s_limit));
        }
    }

    [Fact]
    public async Task DisposingEndsAPendingRead()
    {
        var (stream, peer) = await PairAsync(tcp: false);
        using (peer)
        {
            var read = stream.ReadAsync(new byte[16]).AsTask();
            await Task.Delay(20);
            Assert.False(read.IsCompleted);
            await stream.DisposeAsync();
            await Assert.ThrowsAsync<ObjectDisposedException>(() => read.WaitAsync(s_limit));
            await Assert.ThrowsAsync<ObjectDisposedException>(() => stream.ReadAsync(new byte[16]).AsTask());
        }
    }

    [Fact]
    public async Task DisposingEndsABlockedWrite()
    {
        var (stream, peer) = await PairAsync(tcp: false);
        using (peer)
        {
            var write = stream.WriteAsync(new byte[Blocking]).AsTask();
            await Task.Delay(50);
            Assert.False(write.IsCompleted);
            await stream.DisposeAsync();
            await Assert.ThrowsAsync<ObjectDisposedException>(() => write.WaitAsync(s_limit));
        }
    }

    [Fact]
    public async Task ManyConnectionsAtOnceEachGetTheirOwnBytes()
    {
        var pairs = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => PairAsync(tcp: false)));
        try
        {
            await Task.WhenAll(pairs.Select(async (pair, i) =>
            {
                var buffer = new byte[4];
                var read = pair.Stream.ReadAsync(buffer).AsTask();
                await pair.Peer.SendAsync(BitConverter.GetBytes(i));
                Assert.Equal(4, await read.WaitAsync(s_limit));
                Assert.Equal(i, BitConverter.ToInt32(buffer));
                await pair.Stream.WriteAsync(buffer);
                var back = new byte[4];
                Assert.Equal(4, await pair.Peer.ReceiveAsync(back.AsMemory()).AsTask().WaitAsync(s_limit));
                Assert.Equal(buffer, back);
            }));
        }
        finally
        {
            foreach (var (stream, peer) in pairs)
            {
                await stream.DisposeAsync();
                peer.Dispose();
            }
        }
    }

    [Fact]
    public async Task SynchronousReadsAndWritesWork()
    {
        var (stream, peer) = await PairAsync(tcp: false);
        using (stream)
        using (peer)
        {
            var reader = Task.Run(() =>
            {
                var buffer = new byte[3];
                return stream.Read(buffer, 0, 3);
            });
            await Task.Delay(20);
            peer.Send("abc"u8);
            Assert.Equal(3, await reader.WaitAsync(s_limit));
            stream.Write("xyz"u8);
            var back = new byte[3];
            Assert.Equal(3, peer.Receive(back));
        }
    }

    private static async Task<(Stream Stream, Socket Peer)> PairAsync(bool tcp)
    {
        string? dir = null;
        EndPoint endpoint;
        Socket listener;
        if (tcp)
        {
            listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            endpoint = listener.LocalEndPoint!;
        }
        else
        {
            dir = Directory.CreateTempSubdirectory("epoll-test").FullName;
            endpoint = new UnixDomainSocketEndPoint(Path.Combine(dir, "s"));
            listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(endpoint);
        }

        using (listener)
        {
            listener.Listen(1);
            var peer = new Socket(endpoint.AddressFamily, SocketType.Stream, tcp ? ProtocolType.Tcp : ProtocolType.Unspecified) { ReceiveBufferSize = 64 * 1024 };
            await peer.ConnectAsync(endpoint);
            var accepted = await listener.AcceptAsync();
            accepted.SendBufferSize = 64 * 1024;
            if (dir is not null)
            {
                Directory.Delete(dir, true);
            }

            return (EpollSocketStream.Open(accepted), peer);
        }
    }
}
