using System.Net.Sockets;
using System.Text;
using MailFilter.Milter.Client;
using MailFilter.Milter.Wire;

namespace MailFilter.Milter.Tests;

public class GracefulStopTests
{
    private static MilterTransaction Tx() => new()
    {
        Sender = "<a@example.test>",
        Recipients = ["<b@example.test>"],
        Message = RawMessage.Parse(Encoding.ASCII.GetBytes("Subject: in flight\r\n\r\nbody\r\n")),
    };

    [Fact]
    public async Task StopLetsTheMessageInFlightFinishAndRefusesNewConnections()
    {
        var inEom = new TaskCompletionSource();
        var handler = new ScriptedHandler
        {
            EndOfMessage = async (_, m) =>
            {
                inEom.TrySetResult();
                await Task.Delay(500);
                m.Headers.Add("X-Finished", "yes");
                return MilterResponse.Continue;
            },
        };
        await using var server = TestListener.Start(handler);
        await using var busy = await server.ConnectClientAsync();
        await busy.NegotiateAsync();
        await using var idle = await server.ConnectClientAsync();
        await idle.NegotiateAsync();

        var inFlight = busy.SendMessageAsync(Tx());
        await inEom.Task;
        var stop = server.Listener.StopAsync();

        var result = await inFlight;
        Assert.Equal(MilterReplyCode.Continue, result.Verdict.Code);
        Assert.Contains(result.EndOfMessage!.Modifications, m => m.Name == "X-Finished");
        await stop.WaitAsync(TimeSpan.FromSeconds(10));

        // The idle connection was closed at once; the socket file is gone; nobody new gets in.
        await Assert.ThrowsAnyAsync<Exception>(() => idle.SendMessageAsync(Tx()));
        Assert.False(File.Exists(server.Endpoint.UnixPath));
        await Assert.ThrowsAnyAsync<SocketException>(server.ConnectRawAsync);
        Assert.Equal(0, server.Listener.ActiveConnections);
    }

    [Fact]
    public async Task StopClosesAConnectionThatOverrunsTheShutdownTimeout()
    {
        var handler = new ScriptedHandler
        {
            EndOfMessage = async (_, _) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(30));
                return MilterResponse.Continue;
            },
        };
        await using var server = TestListener.Start(handler, new MilterOptions { ShutdownTimeout = TimeSpan.FromMilliseconds(300), ProgressInterval = TimeSpan.FromSeconds(60) });
        await using var client = await server.ConnectClientAsync();
        await client.NegotiateAsync();
        var inFlight = client.SendMessageAsync(Tx());
        await Task.Delay(200);
        var started = DateTime.UtcNow;
        await server.Listener.StopAsync();
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
        // The MTA sees the connection go away without a verdict: Postfix applies milter_default_action (tempfail).
        await Assert.ThrowsAnyAsync<Exception>(() => inFlight);
    }
}
