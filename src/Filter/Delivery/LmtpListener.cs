using System.Collections.Concurrent;
using System.Net.Sockets;
using MailFilter.Milter;
using Microsoft.Extensions.Logging;

namespace MailFilter.Filter.Delivery;

/// <summary>
/// Accepts Postfix's LMTP connections on unix and/or inet sockets and runs one <see cref="LmtpConnection"/> each.
/// <see cref="StopAsync"/> stops accepting, closes idle connections with 421, lets deliveries in flight finish
/// (bounded by <see cref="LmtpServerOptions.ShutdownTimeout"/>) and then closes what is left: a message whose replies
/// were not sent stays in Postfix's queue and is delivered again later.
/// </summary>
public sealed class LmtpListener : IAsyncDisposable
{
    private readonly LmtpServerOptions _options;
    private readonly ILmtpDeliveryHandler _handler;
    private readonly ILogger _logger;
    private readonly List<Socket> _sockets = [];
    private readonly List<Task> _acceptLoops = [];
    private readonly List<MilterEndpoint> _bound = [];
    private readonly ConcurrentDictionary<long, (LmtpConnection Connection, Task Task)> _connections = new();
    private readonly CancellationTokenSource _stopAccepting = new();
    private readonly CancellationTokenSource _abort = new();
    private long _nextId;
    private int _stopped;

    public LmtpListener(LmtpServerOptions options, ILmtpDeliveryHandler handler, ILogger logger)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _handler = handler ?? throw new ArgumentNullException(nameof(handler));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>The endpoints actually bound (with the real port when 0 was configured).</summary>
    public IReadOnlyList<MilterEndpoint> BoundEndpoints => _bound;

    public int ActiveConnections => _connections.Count;

    public void Start()
    {
        foreach (var endpoint in _options.Endpoints)
        {
            var socket = ListeningSocket.Open(endpoint, _options.UnixSocketMode, _options.UnixSocketGroup, backlog: 512);
            _sockets.Add(socket);
            _bound.Add(endpoint.WithBoundEndPoint(socket.LocalEndPoint!));
            _acceptLoops.Add(AcceptLoopAsync(socket));
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        await _stopAccepting.CancelAsync().ConfigureAwait(false);
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);
        foreach (var endpoint in _bound.Where(e => e.IsUnix))
        {
            TryDelete(endpoint.UnixPath!);
        }

        foreach (var (connection, _) in _connections.Values)
        {
            connection.RequestStop();
        }

        var all = Task.WhenAll(_connections.Values.Select(c => c.Task));
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(_options.ShutdownTimeout);
        try
        {
            await all.WaitAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await _abort.CancelAsync().ConfigureAwait(false);
            await all.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopAccepting.Dispose();
        _abort.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listenSocket)
    {
        while (!_stopAccepting.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listenSocket.AcceptAsync(_stopAccepting.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                Log.LmtpAcceptFailed(_logger, e.Message);
                await Task.Delay(100).ConfigureAwait(false);
                continue;
            }

            if (_connections.Count >= _options.MaxConnections)
            {
                Log.LmtpTooManyConnections(_logger, _options.MaxConnections);
                client.Dispose();
                continue;
            }

            Stream stream;
            try
            {
                stream = EpollSocketStream.Open(client);
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                Log.LmtpAcceptFailed(_logger, e.Message);
                client.Dispose();
                continue;
            }

            long id = Interlocked.Increment(ref _nextId);
            var connection = new LmtpConnection(stream, _options, _handler);
            // Deliveries do real work (crypto, disk, authd): run each connection off the accept loop. Registered
            // before it starts, so a connection that ends at once is still removed.
            var start = new Task<Task>(() => RunConnectionAsync(id, connection, stream));
            _connections[id] = (connection, start.Unwrap());
            start.Start(TaskScheduler.Default);
        }
    }

    private async Task RunConnectionAsync(long id, LmtpConnection connection, Stream stream)
    {
        try
        {
            await connection.RunAsync(_abort.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            Log.LmtpConnectionLost(_logger, id, e.Message);
        }
        catch (Exception e)
        {
            Log.LmtpConnectionFailed(_logger, e, id);
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            _connections.TryRemove(id, out _);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
