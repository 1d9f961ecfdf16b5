using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MailFilter.Hosting.Metrics;

/// <summary>
/// The Prometheus scrape endpoint: <c>GET /metrics</c> over HTTP/1.0 on a loopback address, one request per
/// connection. Anything else gets 404 or 405. Loopback only (<see cref="TryParseEndpoint"/>): the numbers are not
/// secret, but a scrape endpoint is no business of the network.
/// </summary>
public sealed class MetricsListener : IAsyncDisposable
{
    private const int MaxRequestBytes = 8192;

    private readonly MetricsRegistry _registry;
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private Task _accepting = Task.CompletedTask;

    public MetricsListener(IPEndPoint endpoint, MetricsRegistry registry)
    {
        _registry = registry;
        _socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _socket.Bind(endpoint);
        BoundEndpoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    public IPEndPoint BoundEndpoint { get; }

    /// <summary>host:port on a loopback address (127.0.0.0/8 or [::1]).</summary>
    public static bool TryParseEndpoint(string text, out IPEndPoint? endpoint, out string? error)
    {
        endpoint = null;
        if (!IPEndPoint.TryParse(text.Trim(), out var parsed) || parsed.Port == 0)
        {
            error = "use host:port on loopback, e.g. 127.0.0.1:9861 (or none)";
            return false;
        }

        if (!IPAddress.IsLoopback(parsed.Address))
        {
            error = "metrics are served on loopback only (127.0.0.1 or [::1]); scrape through a local agent or a proxy";
            return false;
        }

        endpoint = parsed;
        error = null;
        return true;
    }

    public void Start()
    {
        _socket.Listen(64);
        _accepting = AcceptLoopAsync(_stop.Token);
    }

    private async Task AcceptLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(ct);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client, ct), ct);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken ct)
    {
        using (client)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                var buffer = new byte[MaxRequestBytes];
                int length = 0;
                while (length < buffer.Length && buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) < 0 && buffer.AsSpan(0, length).IndexOf("\n\n"u8) < 0)
                {
                    int n = await client.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, timeout.Token);
                    if (n == 0)
                    {
                        break;
                    }

                    length += n;
                }

                var requestLine = Encoding.ASCII.GetString(buffer, 0, length).Split('\n', 2)[0].Trim();
                var parts = requestLine.Split(' ');
                (int status, string reason, string body) = parts.Length < 2 ? (400, "Bad Request", "bad request\n")
                    : parts[0] != "GET" ? (405, "Method Not Allowed", "GET only\n")
                    : parts[1] is "/metrics" or "/" ? (200, "OK", _registry.Render())
                    : (404, "Not Found", "try /metrics\n");
                var bytes = Encoding.UTF8.GetBytes(body);
                var head = $"HTTP/1.0 {status.ToString(CultureInfo.InvariantCulture)} {reason}\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: {bytes.Length.ToString(CultureInfo.InvariantCulture)}\r\nConnection: close\r\n\r\n";
                await client.SendAsync(Encoding.ASCII.GetBytes(head), SocketFlags.None, timeout.Token);
                await client.SendAsync(bytes, SocketFlags.None, timeout.Token);
                client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // A scraper that went away or took too long: nothing to do.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        await _accepting;
        _stop.Dispose();
    }
}
