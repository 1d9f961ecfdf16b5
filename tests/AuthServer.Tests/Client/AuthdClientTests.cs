using System.Net.Sockets;
using System.Text;
using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;

namespace MailFilter.AuthServer.Tests.Client;

/// <summary>AuthClient against a fake peer on a unix socket: timeouts and malformed answers are clear exceptions, never wrong keys.</summary>
public sealed class AuthdClientTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("authclient-").FullName;

    private string SocketPath => Path.Combine(_directory, "fake.sock");

    [Fact]
    public async Task AnAuthdThatAcceptsButNeverAnswersTimesOutAsUnavailable()
    {
        // Reads the request and never answers. (Awaiting Task.Delay(Timeout.Infinite) instead left the connection reachable
        // from nothing: a garbage collection in the wait closed the socket, and the client saw "unreachable".)
        using var listener = Listen(async stream =>
        {
            var buffer = new byte[4096];
            while (await stream.ReadAsync(buffer) > 0)
            {
            }
        });
        using var client = new AuthdClient(new AuthdClientOptions { SocketPath = SocketPath, RequestTimeout = TimeSpan.FromSeconds(2) }); // room to connect on a busy machine

        var e = await Assert.ThrowsAsync<AuthdUnavailableException>(() => client.GetStatusAsync());

        Assert.Equal("timeout", e.ErrorCode);
        Assert.Contains("did not answer within 2 s", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKeyWhoseKidDoesNotMatchItsPublicKeyIsRefused()
    {
        var body = """{"address":"alice@example.test","use":"sign","algorithm":"ed25519","kid":"AAAAAAAAAAAAAAAAAAAAAA","publicKey":"MHNbf4rh8akMr6gaY0Q/IXWxA4v0FxnxLLlzkq9Q/24=","notBefore":"2026-01-01T00:00:00+00:00","origin":"first-use"}""";
        using var listener = Listen(stream => Answer(stream, 200, body));
        using var client = new AuthdClient(new AuthdClientOptions { SocketPath = SocketPath });

        var e = await Assert.ThrowsAsync<AuthdUnavailableException>(() => AuthdMessageSigner.CreateAsync(client, "alice@example.test"));

        Assert.Equal("bad-reply", e.ErrorCode);
    }

    [Fact]
    public async Task ErrorBodiesBecomeExceptionsWithTheirCodeAndStatus()
    {
        using var listener = Listen(stream => Answer(stream, 503, """{"error":"database-unavailable","message":"the database does not answer"}"""));
        using var client = new AuthdClient(new AuthdClientOptions { SocketPath = SocketPath });

        var e = await Assert.ThrowsAsync<AuthdUnavailableException>(() => client.GetCurrentKeyAsync("alice@example.test", KeyUse.Sign));

        Assert.Equal("database-unavailable", e.ErrorCode);
        Assert.Equal(503, e.StatusCode);
        Assert.Contains("the database does not answer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMalformedAnswerIsUnavailableNotAWrongResult()
    {
        using var listener = Listen(stream => Answer(stream, 200, "{\"kid\": 42"));
        using var client = new AuthdClient(new AuthdClientOptions { SocketPath = SocketPath });

        var e = await Assert.ThrowsAsync<AuthdUnavailableException>(() => client.SignAsync("alice@example.test", null, Crypto.Signing.SignaturePurpose.SignatureHeader, new byte[32]));

        Assert.Equal("bad-reply", e.ErrorCode);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task Answer(NetworkStream stream, int status, string json)
    {
        // Read the request head and body (Content-Length), then answer once and close.
        var buffer = new byte[65536];
        var request = new StringBuilder();
        while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            int n = await stream.ReadAsync(buffer);
            if (n == 0)
            {
                return;
            }

            request.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        var body = Encoding.UTF8.GetBytes(json);
        var head = $"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(body);
    }

    private Socket Listen(Func<NetworkStream, Task> handle)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(SocketPath));
        socket.Listen();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                Socket connection;
                try
                {
                    connection = await socket.AcceptAsync();
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    return;
                }

                _ = Task.Run(async () =>
                {
                    using var stream = new NetworkStream(connection, ownsSocket: true);
                    try
                    {
                        await handle(stream);
                    }
                    catch (IOException)
                    {
                    }
                });
            }
        });
        return socket;
    }
}
