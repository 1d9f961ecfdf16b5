using System.Net.Sockets;
using System.Text;
using MailFilter.Filter.Delivery;
using MailFilter.Filter.Delivery.Lmtp;
using MailFilter.Milter;
using Microsoft.Extensions.Logging.Abstractions;

namespace MailFilter.Filter.Tests.Delivery;

/// <summary>Where the LMTP listener runs a delivery (src/Filter/EventLoop.cs): a small message on the event loop
/// thread its input arrived on, a large one on the thread pool, so its verification does not hold the other
/// connections that share the loop.</summary>
public sealed class LmtpEventLoopTests : IAsyncLifetime
{
    private readonly RecordingHandler _handler = new();
    private LmtpListener _listener = null!;

    private sealed class RecordingHandler : ILmtpDeliveryHandler
    {
        public List<(long Size, bool PoolThread, string? ThreadName)> Calls { get; } = [];

        public Task<IReadOnlyList<LmtpReply>> DeliverAsync(LmtpTransaction transaction, BodySpool content, bool tooBig, CancellationToken cancellationToken)
        {
            lock (Calls)
            {
                Calls.Add((content.Length, Thread.CurrentThread.IsThreadPoolThread, Thread.CurrentThread.Name));
            }

            IReadOnlyList<LmtpReply> replies = [.. transaction.Recipients.Select(r => new LmtpReply(250, "2.0.0", $"<{r.Address}> delivered"))];
            return Task.FromResult(replies);
        }
    }

    public Task InitializeAsync()
    {
        _listener = new LmtpListener(new LmtpServerOptions
        {
            Endpoints = [MilterEndpoint.Parse("inet:127.0.0.1:0")],
            Session = new LmtpSessionOptions { Hostname = "mx.example.test", MaxMessageSize = 1_000_000, MaxRecipients = 3, MaxLineLength = 1000, MaxErrors = 10 },
            SpoolMemoryThreshold = 1_000_000,
        }, _handler, NullLogger.Instance);
        _listener.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _listener.DisposeAsync();

    [Fact]
    public async Task ASmallMessageIsDeliveredOnTheLoopThreadALargeOneOnThePool()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(_listener.BoundEndpoints[0].EndPoint);
        var line = new string('x', 998) + "\r\n";
        var small = "Subject: small\r\n\r\nbody\r\n";
        var large = "Subject: large\r\n\r\n" + string.Concat(Enumerable.Repeat(line, 200)); // 200 KB, above the 128 KiB threshold
        bool first = true;
        foreach (var body in new[] { small, large })
        {
            // The first round also reads the greeting and the LHLO reply.
            await socket.SendAsync(Encoding.ASCII.GetBytes((first ? "LHLO postfix.example\r\n" : "") + "MAIL FROM:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n"));
            await ReadRepliesAsync(socket, first ? 5 : 3);
            // Let the listener find the socket empty after its 354 and wait on its event loop, so the data comes from
            // the loop thread. Sent at once, the data can be there before the listener's next read (the 354's
            // write wakes this client, which may run first) and the session goes on, inline, on the thread that
            // accepted the connection (a pool thread in this process): seen once in CI.
            await Task.Delay(200);
            await socket.SendAsync(Encoding.ASCII.GetBytes(body + ".\r\n"));
            await ReadRepliesAsync(socket, 1);
            first = false;
        }

        Assert.Equal(2, _handler.Calls.Count);
        var (smallSize, smallOnPool, smallThread) = _handler.Calls[0];
        var (largeSize, largeOnPool, _) = _handler.Calls[1];
        Assert.True(smallSize < EventLoop.OffloadThreshold && largeSize >= EventLoop.OffloadThreshold, $"sizes {smallSize} and {largeSize}");
        Assert.False(smallOnPool, $"the small message ran on {smallThread}");
        Assert.StartsWith("milter-epoll-", smallThread);
        Assert.True(largeOnPool);
    }

    /// <summary>Reads until <paramref name="count"/> final reply lines (a space after the code) arrived.</summary>
    private static async Task ReadRepliesAsync(Socket socket, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var text = new StringBuilder();
        var buffer = new byte[4096];
        while (text.ToString().Split("\r\n").Count(l => l.Length > 3 && l[3] == ' ') < count)
        {
            int n = await socket.ReceiveAsync(buffer, timeout.Token);
            Assert.True(n > 0, "the server closed the connection");
            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
    }
}
