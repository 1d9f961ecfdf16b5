using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MailFilter.AuthServer.Tests.Support;

/// <summary>
/// A stand-in for another domain's public listener on loopback: counts the connections it gets and answers
/// each request with <see cref="Status"/> and <see cref="Body"/>, or never answers when <see cref="Silent"/>
/// (a peer that hangs). Enough HTTP/1.1 for authd's discovery client: one request per connection.
/// </summary>
public sealed class FakePeer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _connections;

    public FakePeer()
    {
        _listener.Start();
        _loop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url => $"http://127.0.0.1:{Port}";

    public int Connections => Volatile.Read(ref _connections);

    public bool Silent { get; set; }

    public int Status { get; set; } = 200;

    public string Body { get; set; } = "{\"keys\":[]}";

    /// <summary>The request lines received, e.g. "GET /.well-known/mailfilter/v1/keys?address=... HTTP/1.1".</summary>
    public List<string> Requests { get; } = [];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            Interlocked.Increment(ref _connections);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var buffer = new byte[8192];
                var head = new StringBuilder();
                while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    int n = await stream.ReadAsync(buffer, _stop.Token);
                    if (n == 0)
                    {
                        return;
                    }

                    head.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }

                lock (Requests)
                {
                    Requests.Add(head.ToString().Split("\r\n")[0]);
                }

                if (Silent)
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }

                var body = Encoding.UTF8.GetBytes(Body);
                var response = $"HTTP/1.1 {Status} X\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(response), _stop.Token);
                await stream.WriteAsync(body, _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
            {
            }
        }
    }
}
