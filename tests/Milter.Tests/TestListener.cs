using System.Net.Sockets;
using MailFilter.Milter.Client;
using Microsoft.Extensions.Logging.Abstractions;

namespace MailFilter.Milter.Tests;

/// <summary>A real listener on a unix socket (or loopback TCP) in a temporary directory.</summary>
internal sealed class TestListener : IAsyncDisposable
{
    private readonly string _dir;

    private TestListener(MilterListener listener, string dir)
    {
        Listener = listener;
        _dir = dir;
    }

    public MilterListener Listener { get; }

    public MilterEndpoint Endpoint => Listener.BoundEndpoints[0];

    public static TestListener Start(MilterHandler handler, MilterOptions? options = null, bool tcp = false)
    {
        var dir = Directory.CreateTempSubdirectory("milter-test").FullName;
        var endpoint = tcp ? MilterEndpoint.Parse("inet:127.0.0.1:0") : MilterEndpoint.Parse("unix:" + Path.Combine(dir, "milter.sock"));
        var listener = new MilterListener(new MilterListenerOptions { Endpoints = [endpoint] }, options ?? new MilterOptions { SpoolDirectory = dir }, handler, NullLogger.Instance);
        listener.Start();
        return new TestListener(listener, dir);
    }

    public Task<MilterClient> ConnectClientAsync() => MilterClient.ConnectAsync(Endpoint);

    public async Task<Socket> ConnectRawAsync()
    {
        var socket = Endpoint.IsUnix
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(Endpoint.EndPoint);
        return socket;
    }

    public async ValueTask DisposeAsync()
    {
        await Listener.DisposeAsync();
        Directory.Delete(_dir, true);
    }
}
