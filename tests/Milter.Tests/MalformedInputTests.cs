using System.Net.Sockets;
using System.Text;
using MailFilter.Milter.Client;
using MailFilter.Milter.Wire;

namespace MailFilter.Milter.Tests;

/// <summary>
/// The conformance plan's malformed-input cases (reference §5, X1-X12): the listener neither crashes nor
/// hangs, closes the offending connection without a reply, and keeps serving everyone else.
/// </summary>
public class MalformedInputTests
{
    private static readonly byte[] s_optneg = Bytes.Packet('O', Bytes.U32(6), Bytes.U32(0x1FF), Bytes.U32(0x1FFFFF));

    private static async Task<byte[]> ReadUntilClosedAsync(Socket socket, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var all = new List<byte>();
        var buf = new byte[4096];
        while (true)
        {
            int n = await socket.ReceiveAsync(buf, cts.Token); // throws on timeout: the listener hung
            if (n == 0)
            {
                return [.. all];
            }

            all.AddRange(buf.AsSpan(0, n));
        }
    }

    private static async Task AssertStillServesAsync(TestListener server)
    {
        await using var client = await server.ConnectClientAsync();
        await client.NegotiateAsync();
        var tx = new MilterTransaction
        {
            Sender = "<a@x>",
            Recipients = ["<b@y>"],
            Message = RawMessage.Parse("Subject: ok\r\n\r\nbody\r\n"u8),
        };
        Assert.Equal(MilterReplyCode.Continue, (await client.SendMessageAsync(tx)).Verdict.Code);
    }

    public static TheoryData<string, byte[]> ClosingInputs() => new()
    {
        { "X1 zero length", Bytes.Concat(s_optneg, [0, 0, 0, 0]) },
        { "X2 length FFFFFFFF", Bytes.Concat(s_optneg, [0xFF, 0xFF, 0xFF, 0xFF, (byte)'B']) },
        { "X2 length over the cap", Bytes.Concat(s_optneg, Bytes.U32(2 * 1024 * 1024), [(byte)'B']) },
        { "X5 unknown command", Bytes.Concat(s_optneg, [0, 0, 0, 1, (byte)'Z']) },
        { "X6 version 1", Bytes.Packet('O', Bytes.U32(1), Bytes.U32(0x1FF), Bytes.U32(0x1FFFFF)) },
        { "X7 short OPTNEG", Bytes.Packet('O', Bytes.U32(6), Bytes.U32(0x1FF)) },
        { "X7 command before OPTNEG", Bytes.Packet('H', Bytes.Z("mx")) },
        { "X7 macro before OPTNEG", Bytes.Packet('D', [(byte)'C']) },
        { "X8 HELO without NUL", Bytes.Concat(s_optneg, Bytes.Packet('H', "abc"u8.ToArray())) },
        { "X8 HEADER with one string", Bytes.Concat(s_optneg, Bytes.Packet('M', Bytes.Z("<a@x>")), Bytes.Packet('R', Bytes.Z("<b@y>")), Bytes.Packet('L', Bytes.Z("Subject"))) },
        { "X8 CONNECT missing port", Bytes.Concat(s_optneg, Bytes.Packet('C', Bytes.Z("h"), [(byte)'4'])) },
        { "X8 CONNECT bad address", Bytes.Concat(s_optneg, Bytes.Packet('C', Bytes.Z("h"), [(byte)'4'], Bytes.U16(25), Bytes.Z("999.1.1.1"))) },
        { "X10 BODY before MAIL", Bytes.Concat(s_optneg, Bytes.Packet('B', "x"u8.ToArray())) },
        { "X10 EOM before MAIL", Bytes.Concat(s_optneg, Bytes.Packet('E')) },
        { "X10 second OPTNEG", Bytes.Concat(s_optneg, s_optneg) },
        { "X10 RCPT before MAIL", Bytes.Concat(s_optneg, Bytes.Packet('R', Bytes.Z("<b@y>"))) },
        { "X10 HEADER after EOH", Bytes.Concat(s_optneg, Bytes.Packet('M', Bytes.Z("<a@x>")), Bytes.Packet('R', Bytes.Z("<b@y>")), Bytes.Packet('N'), Bytes.Packet('L', Bytes.Z("A"), Bytes.Z("b"))) },
    };

    [Theory]
    [MemberData(nameof(ClosingInputs))]
    public async Task BadInputClosesOnlyThatConnection(string name, byte[] input)
    {
        var handler = new ScriptedHandler();
        await using var server = TestListener.Start(handler);
        using (var socket = await server.ConnectRawAsync())
        {
            await socket.SendAsync(input);
            var received = await ReadUntilClosedAsync(socket, TimeSpan.FromSeconds(5));
            // At most the OPTNEG reply (and 'c' for commands that were legal) came back, never a reply to the bad packet.
            Assert.True(received.Length == 0 || received[4] == (byte)'O' || received[4] == (byte)'c', name);
        }

        await AssertStillServesAsync(server);
        Assert.DoesNotContain(handler.Events, e => e.StartsWith("eom", StringComparison.Ordinal) && !e.Contains("a@x", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OversizeLengthDoesNotAllocate()
    {
        await using var server = TestListener.Start(new ScriptedHandler());
        long before = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < 20; i++)
        {
            using var socket = await server.ConnectRawAsync();
            await socket.SendAsync(Bytes.Concat(s_optneg, [0x7F, 0xFF, 0xFF, 0xFF, (byte)'B']));
            await ReadUntilClosedAsync(socket, TimeSpan.FromSeconds(5));
        }

        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(allocated < 50 * 1024 * 1024, $"{allocated} bytes allocated for 20 oversize packets");
    }

    [Fact]
    public async Task TruncatedPacketThenEofAbortsWithoutCallingTheHandler()
    {
        var handler = new ScriptedHandler();
        await using var server = TestListener.Start(handler);
        using (var socket = await server.ConnectRawAsync())
        {
            await socket.SendAsync(Bytes.Concat(s_optneg, Bytes.Packet('M', Bytes.Z("<a@x>")), Bytes.U32(100), [(byte)'R'], new byte[9]));
            await Task.Delay(200);
            socket.Shutdown(SocketShutdown.Send);
            await ReadUntilClosedAsync(socket, TimeSpan.FromSeconds(5));
        }

        await Task.Delay(100);
        Assert.DoesNotContain(handler.Events, e => e.StartsWith("rcpt", StringComparison.Ordinal));
        Assert.Equal(1, handler.Aborts); // the open transaction got abort semantics
        Assert.Equal(1, handler.Closes);
    }

    [Fact]
    public async Task StalledPeerIsClosedAfterTheReadTimeout()
    {
        await using var server = TestListener.Start(new ScriptedHandler(), new MilterOptions { ReadTimeout = TimeSpan.FromMilliseconds(300) });
        using var socket = await server.ConnectRawAsync();
        await socket.SendAsync(new byte[] { 0, 0 }); // two bytes of a length, then nothing
        var received = await ReadUntilClosedAsync(socket, TimeSpan.FromSeconds(5));
        Assert.Empty(received);
    }

    [Fact]
    public async Task OddMacroPacketsAreAcceptedSilently()
    {
        await using var server = TestListener.Start(new ScriptedHandler());
        using var socket = await server.ConnectRawAsync();
        await socket.SendAsync(Bytes.Concat(
            s_optneg,
            Bytes.Packet('D', [(byte)'C']),
            Bytes.Packet('D', [(byte)'L'], Bytes.Z("i"), Bytes.Z("Q"), Bytes.Z("odd")),
            Bytes.Packet('D', [(byte)'B']),
            Bytes.Packet('D', [(byte)'U'], Bytes.Z("x")),
            Bytes.Packet('D', [(byte)'Z'], Bytes.Z("{a}"), Bytes.Z("1")),
            Bytes.Packet('H', Bytes.Z("mx"))));
        var buf = new byte[256];
        int n = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (n < 17 + 5)
        {
            n += await socket.ReceiveAsync(buf.AsMemory(n), cts.Token);
        }

        // Nothing more arrives: exactly one reply (to HELO), none to the macros.
        using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await socket.ReceiveAsync(buf.AsMemory(n), quiet.Token));
        Assert.Equal((byte)'O', buf[4]);
        Assert.Equal(Bytes.Packet('c'), buf[17..22]);
    }

    [Fact]
    public async Task OneByteAtATimeGivesTheSameRepliesAsOneWrite()
    {
        byte[] session = Bytes.Concat(
            s_optneg,
            Bytes.Packet('D', [(byte)'C'], Bytes.Z("j"), Bytes.Z("mx")),
            Bytes.Packet('C', Bytes.Z("client"), [(byte)'4'], Bytes.U16(25), Bytes.Z("127.0.0.1")),
            Bytes.Packet('H', Bytes.Z("client")),
            Bytes.Packet('M', Bytes.Z("<a@x>")),
            Bytes.Packet('R', Bytes.Z("<b@y>")),
            Bytes.Packet('T'),
            Bytes.Packet('L', Bytes.Z("Subject"), Bytes.Z(" hi")),
            Bytes.Packet('N'),
            Bytes.Packet('B', "body\r\n"u8.ToArray()),
            Bytes.Packet('E'),
            Bytes.Packet('A'),
            Bytes.Packet('Q'));

        async Task<byte[]> RunAsync(bool oneByte)
        {
            var handler = new ScriptedHandler { EndOfMessage = (_, m) => { m.Headers.Add("X-Seen", "1"); return Task.FromResult(MilterResponse.Continue); } };
            await using var server = TestListener.Start(handler);
            using var socket = await server.ConnectRawAsync();
            if (oneByte)
            {
                foreach (var b in session)
                {
                    await socket.SendAsync(new[] { b });
                }
            }
            else
            {
                await socket.SendAsync(session);
            }

            return await ReadUntilClosedAsync(socket, TimeSpan.FromSeconds(10));
        }

        var whole = await RunAsync(false);
        var bytewise = await RunAsync(true);
        Assert.Equal(whole, bytewise);
        Assert.True(whole.AsSpan().IndexOf("X-Seen"u8) > 0);
    }

    [Fact]
    public async Task PeerThatHalfClosesAfterEomWithoutReadingDoesNotHurtTheListener()
    {
        var handler = new ScriptedHandler { EndOfMessage = (_, m) => { m.ReplaceBody(new byte[500_000]); return Task.FromResult(MilterResponse.Continue); } };
        await using var server = TestListener.Start(handler);
        using (var socket = await server.ConnectRawAsync())
        {
            await socket.SendAsync(Bytes.Concat(
                s_optneg,
                Bytes.Packet('M', Bytes.Z("<a@x>")),
                Bytes.Packet('R', Bytes.Z("<b@y>")),
                Bytes.Packet('N'),
                Bytes.Packet('E')));
            socket.Shutdown(SocketShutdown.Send);
            socket.Close(); // reset while the listener writes 500 KB of REPLBODY
        }

        await AssertStillServesAsync(server);
        // Both connections end: the reset one through its failed write, the good one through EOF.
        for (int i = 0; i < 50 && server.Listener.ActiveConnections > 0; i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(0, server.Listener.ActiveConnections);
    }

    [Fact]
    public async Task HeaderCountAndSizeLimitsCloseTheConnection()
    {
        var options = new MilterOptions { MaxHeaderCount = 5, MaxHeaderBytes = 1000 };
        await using var server = TestListener.Start(new ScriptedHandler(), options);
        foreach (var headers in new[]
        {
            Enumerable.Range(0, 6).Select(i => Bytes.Packet('L', Bytes.Z("X-" + i), Bytes.Z("v"))).ToArray(),
            [Bytes.Packet('L', Bytes.Z("X-Big"), Bytes.Z(new string('v', 2000)))],
        })
        {
            using var socket = await server.ConnectRawAsync();
            await socket.SendAsync(Bytes.Concat([s_optneg, Bytes.Packet('M', Bytes.Z("<a@x>")), Bytes.Packet('R', Bytes.Z("<b@y>")), .. headers, Bytes.Packet('N'), Bytes.Packet('E')]));
            var received = await ReadUntilClosedAsync(socket, TimeSpan.FromSeconds(5));
            Assert.Equal(Encoding.ASCII.GetBytes("O"), received[4..5]);
            Assert.Equal(Bytes.Concat(Bytes.Packet('c'), Bytes.Packet('c')), received[^10..]); // MAIL and RCPT only: no EOM reply
        }

        await AssertStillServesAsync(server);
    }
}
