using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace MailFilter.Milter;

/// <summary>
/// Accepts MTA connections on unix and/or inet sockets and runs one <see cref="MilterConnection"/> per
/// connection. <see cref="StopAsync"/> stops accepting, lets messages in flight finish (bounded by
/// <see cref="MilterOptions.ShutdownTimeout"/>) and then closes what is left.
/// </summary>
public sealed class MilterListener : IAsyncDisposable
{
    private readonly MilterListenerOptions _listenerOptions;
    private readonly MilterOptions _options;
    private readonly MilterHandler _handler;
    private readonly ILogger _logger;
    private readonly List<Socket> _sockets = [];
    private readonly List<Task> _acceptLoops = [];
    private readonly ConcurrentDictionary<long, (MilterConnection Connection, Task Task)> _connections = new();
    private readonly CancellationTokenSource _stopAccepting = new();
    private readonly CancellationTokenSource _abortConnections = new();
    private readonly List<MilterEndpoint> _bound = [];
    private long _nextId;
    private int _stopped;

    public MilterListener(MilterListenerOptions listenerOptions, MilterOptions options, MilterHandler handler, ILogger logger)
    {
        _listenerOptions = listenerOptions;
        _options = options;
        _handler = handler;
        _logger = logger;
    }

    /// <summary>The endpoints actually bound (with the real port when 0 was configured).</summary>
    public IReadOnlyList<MilterEndpoint> BoundEndpoints => _bound;

    public int ActiveConnections => _connections.Count;

    public void Start()
    {
        foreach (var endpoint in _listenerOptions.Endpoints)
        {
            var socket = ListeningSocket.Open(endpoint, _listenerOptions.UnixSocketMode, _listenerOptions.UnixSocketGroup, _listenerOptions.Backlog);
            _sockets.Add(socket);
            var bound = endpoint.WithBoundEndPoint(socket.LocalEndPoint!);
            _bound.Add(bound);
            Log.Listening(_logger, bound.Spec);
            _acceptLoops.Add(AcceptLoopAsync(socket));
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        await _stopAccepting.CancelAsync();
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        await Task.WhenAll(_acceptLoops);
        foreach (var endpoint in _bound.Where(e => e.IsUnix))
        {
            TryDelete(endpoint.UnixPath!);
        }

        int inFlight = _connections.Values.Count(c => c.Connection.InTransaction);
        Log.Stopping(_logger, _connections.Count, inFlight);
        foreach (var (connection, _) in _connections.Values)
        {
            connection.RequestStop();
        }

        var all = Task.WhenAll(_connections.Values.Select(c => c.Task));
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(_options.ShutdownTimeout);
        try
        {
            await all.WaitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            Log.ShutdownTimedOut(_logger, _connections.Count);
            await _abortConnections.CancelAsync();
            await all.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopAccepting.Dispose();
        _abortConnections.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listenSocket)
    {
        while (!_stopAccepting.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listenSocket.AcceptAsync(_stopAccepting.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                // EMFILE and friends: keep serving the connections we have, try again shortly.
                Log.AcceptFailed(_logger, e.Message);
                await Task.Delay(100);
                continue;
            }

            if (_connections.Count >= _options.MaxConnections)
            {
                Log.TooManyConnections(_logger, _options.MaxConnections);
                client.Dispose();
                continue;
            }

            long id = Interlocked.Increment(ref _nextId);
            Stream stream;
            try
            {
                stream = EpollSocketStream.Open(client);
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                Log.AcceptFailed(_logger, e.Message);
                client.Dispose();
                continue;
            }

            // Registered before it starts: a connection can end on another thread before RunConnectionAsync
            // returns here, and its end removes the entry.
            var connection = new MilterConnection(id, stream, _handler, _options, _logger);
            var starting = (connection, Task.CompletedTask);
            _connections[id] = starting;
            var task = RunConnectionAsync(id, connection, stream, _logger.IsEnabled(LogLevel.Debug) ? client.RemoteEndPoint : null);
            _connections.TryUpdate(id, (connection, task), starting);
        }
    }

    private async Task RunConnectionAsync(long id, MilterConnection connection, Stream stream, EndPoint? remote)
    {
        // No hop to the thread pool here: the session runs inline until its first pending read (usually
        // right after negotiating), then the accept loop goes on. A hop per connection was one more
        // context switch per Postfix session.
        Log.ConnectionOpened(_logger, id, remote?.ToString() ?? "-");
        try
        {
            await connection.RunAsync(_abortConnections.Token);
        }
        catch (Exception e)
        {
            Log.ConnectionFailed(_logger, e, id);
        }
        finally
        {
            await stream.DisposeAsync();
            _connections.TryRemove(id, out _);
            Log.ConnectionClosed(_logger, id);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
