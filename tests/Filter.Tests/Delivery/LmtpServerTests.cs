using System.Net.Sockets;
using System.Text;
using MailFilter.Filter.Delivery;
using MailFilter.Filter.Delivery.Lmtp;
using MailFilter.Milter;
using Microsoft.Extensions.Logging.Abstractions;

namespace MailFilter.Filter.Tests.Delivery;

/// <summary>The LMTP server over a real loopback socket with a scripted delivery handler: ordering, pipelining,
/// per-recipient replies (RFC 2033 §4.2), limits and malformed input.</summary>
public sealed class LmtpServerTests : IAsyncLifetime
{
    private readonly ScriptedHandler _handler = new();
    private LmtpListener _listener = null!;

    private sealed class ScriptedHandler : ILmtpDeliveryHandler
    {
        public List<(LmtpTransaction Transaction, byte[] Content, bool TooBig)> Deliveries { get; } = [];

        public Task<IReadOnlyList<LmtpReply>> DeliverAsync(LmtpTransaction transaction, BodySpool content, bool tooBig, CancellationToken cancellationToken)
        {
            using var stream = content.OpenRead();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            Deliveries.Add((transaction, copy.ToArray(), tooBig));
            // carol's mailbox is full: her reply differs, the others' do not.
            IReadOnlyList<LmtpReply> replies = transaction.Recipients
                .Select(r => tooBig ? LmtpReplies.TooBig : r.Address.StartsWith("carol", StringComparison.Ordinal)
                    ? new LmtpReply(452, "4.2.2", $"<{r.Address}> mailbox full") : new LmtpReply(250, "2.0.0", $"<{r.Address}> delivered"))
                .ToList();
            return Task.FromResult(replies);
        }
    }

    public Task InitializeAsync()
    {
        _listener = new LmtpListener(new LmtpServerOptions
        {
            Endpoints = [MilterEndpoint.Parse("inet:127.0.0.1:0")],
            Session = new LmtpSessionOptions { Hostname = "mx.example.test", MaxMessageSize = 10_000, MaxRecipients = 3, MaxLineLength = 512, MaxErrors = 10 },
            SpoolMemoryThreshold = 100,
        }, _handler, NullLogger.Instance);
        _listener.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _listener.DisposeAsync();

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(_listener.BoundEndpoints[0].EndPoint);
        return socket;
    }

    /// <summary>Sends <paramref name="script"/> (split into <paramref name="chunk"/>-byte writes), then reads until the server closes.</summary>
    private async Task<string> ConverseAsync(string script, int chunk = int.MaxValue)
    {
        using var socket = await ConnectAsync();
        var bytes = Encoding.UTF8.GetBytes(script);
        for (int i = 0; i < bytes.Length; i += chunk)
        {
            await socket.SendAsync(bytes.AsMemory(i, Math.Min(chunk, bytes.Length - i)));
        }

        using var all = new MemoryStream();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        int n;
        while ((n = await socket.ReceiveAsync(buffer, timeout.Token)) > 0)
        {
            all.Write(buffer, 0, n);
        }

        return Encoding.UTF8.GetString(all.ToArray());
    }

    private static string[] Codes(string transcript) =>
        transcript.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Where(l => l.Length > 3 && l[3] == ' ').Select(l => l[..3]).ToArray();

    private const string Transaction =
        "LHLO postfix.example\r\nMAIL FROM:<alice@example.test> BODY=8BITMIME SIZE=100\r\nRCPT TO:<bob@example.test>\r\n" +
        "RCPT TO:<carol@example.test> NOTIFY=NEVER ORCPT=rfc822;carol+2Balias@example.test\r\nRCPT TO:<dave@example.test>\r\nDATA\r\n";

    [Fact]
    public async Task APipelinedTransactionGetsOneReplyPerRecipientInRcptOrder()
    {
        var transcript = await ConverseAsync(Transaction + "Subject: hi\r\n\r\n..dot\r\n.\r\nQUIT\r\n");
        Assert.Equal(["220", "250", "250", "250", "250", "250", "354", "250", "452", "250", "221"], Codes(transcript));
        Assert.Contains("452 4.2.2 <carol@example.test> mailbox full\r\n", transcript, StringComparison.Ordinal);
        var (tx, content, tooBig) = Assert.Single(_handler.Deliveries);
        Assert.Equal("alice@example.test", tx.MailFrom);
        Assert.Equal(["bob@example.test", "carol@example.test", "dave@example.test"], tx.Recipients.Select(r => r.Address));
        Assert.Equal("carol+alias@example.test", tx.Recipients[1].OriginalRecipient);
        Assert.Equal("Subject: hi\r\n\r\n.dot\r\n"u8.ToArray(), content);
        Assert.False(tooBig);
    }

    [Fact]
    public async Task TheRepliesToTheEndOfDataArriveWithoutTheClientSayingMore()
    {
        // As Postfix's lmtp client does: after the final dot it waits for one reply per recipient.
        using var socket = await ConnectAsync();
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var reader = new StreamReader(stream, Encoding.UTF8);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        async Task<string[]> ReadCodesAsync(int count)
        {
            var codes = new List<string>();
            while (codes.Count < count)
            {
                var line = await reader.ReadLineAsync(timeout.Token) ?? throw new IOException("closed");
                if (line.Length > 3 && line[3] == ' ')
                {
                    codes.Add(line[..3]);
                }
            }

            return [.. codes];
        }

        for (int round = 0; round < 2; round++)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes((round == 0 ? Transaction : Transaction["LHLO postfix.example\r\n".Length..])));
            Assert.Equal(round == 0 ? ["220", "250", "250", "250", "250", "250", "354"] : ["250", "250", "250", "250", "354"], await ReadCodesAsync(round == 0 ? 7 : 5));
            await stream.WriteAsync("Subject: hi\r\n\r\nbody\r\n.\r\n"u8.ToArray());
            Assert.Equal(["250", "452", "250"], await ReadCodesAsync(3));
        }

        Assert.Equal(2, _handler.Deliveries.Count);
    }

    [Fact]
    public async Task TheSameConversationOneByteAtATimeGivesTheSameReplies()
    {
        var transcript = await ConverseAsync(Transaction + "Subject: hi\r\n\r\nbody\r\n.\r\nQUIT\r\n", chunk: 1);
        Assert.Equal(["220", "250", "250", "250", "250", "250", "354", "250", "452", "250", "221"], Codes(transcript));
    }

    [Fact]
    public async Task TheLhloReplyAdvertisesTheExtensionsPostfixUses()
    {
        var transcript = await ConverseAsync("LHLO x\r\nQUIT\r\n");
        foreach (var keyword in new[] { "250-PIPELINING", "250-ENHANCEDSTATUSCODES", "250-8BITMIME", "250-SIZE 10000", "XFORWARD" })
        {
            Assert.Contains(keyword, transcript, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task XforwardIdentBecomesTheQueueId()
    {
        await ConverseAsync("LHLO x\r\nXFORWARD NAME=client.example ADDR=127.0.0.1\r\nXFORWARD IDENT=4Xy7ZqBcdF\r\n"
            + "MAIL FROM:<>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nx\r\n.\r\nQUIT\r\n");
        Assert.Equal("4Xy7ZqBcdF", Assert.Single(_handler.Deliveries).Transaction.QueueId);
        Assert.Equal(string.Empty, _handler.Deliveries[0].Transaction.MailFrom);
    }

    [Fact]
    public async Task XforwardAddrAndHeloNameTheSendingHostOfTheNextTransactionOnly()
    {
        await ConverseAsync("LHLO x\r\nXFORWARD NAME=mx.a.example ADDR=127.0.0.2 PORT=4711\r\nXFORWARD PROTO=ESMTP HELO=mx.a+2Eexample SOURCE=REMOTE IDENT=4Xy7ZqBcdF\r\n"
            + "MAIL FROM:<a@a.example>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nx\r\n.\r\n"
            + "XFORWARD ADDR=IPV6:2001:db8::1 HELO=[UNAVAILABLE]\r\nMAIL FROM:<a@a.example>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nx\r\n.\r\n"
            + "XFORWARD ADDR=::ffff:192.0.2.7\r\nRSET\r\nMAIL FROM:<>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nx\r\n.\r\nQUIT\r\n");
        Assert.Equal(3, _handler.Deliveries.Count);
        var (first, second, third) = (_handler.Deliveries[0].Transaction, _handler.Deliveries[1].Transaction, _handler.Deliveries[2].Transaction);
        Assert.Equal(("127.0.0.2", "mx.a.example", "4Xy7ZqBcdF"), (first.ClientAddress, first.ClientHelo, first.QueueId));
        // Attributes apply to the next transaction and end with it; RSET ends them too.
        Assert.Equal(("2001:db8::1", (string?)null, (string?)null), (second.ClientAddress, second.ClientHelo, second.QueueId));
        Assert.Equal(((string?)null, (string?)null), (third.ClientAddress, third.ClientHelo));
    }

    [Theory]
    [InlineData("ADDR=not-an-address", "ADDR is not an IP address")]
    [InlineData("ADDR=127.0.0.1/8", "ADDR is not an IP address")]
    [InlineData("ADDR=fe80::1%25eth0", "ADDR is not an IP address")]
    [InlineData("HELO=bad+20name", "HELO must be 1 to 255 printable ASCII characters")]
    [InlineData("HELO=", "HELO must be 1 to 255 printable ASCII characters")]
    [InlineData("COLOUR=blue", "unknown attribute COLOUR")]
    [InlineData("ADDR", "expected NAME=VALUE")]
    public async Task ABadXforwardAttributeIsRefusedAndChangesNothing(string attribute, string message)
    {
        var transcript = await ConverseAsync($"LHLO x\r\nXFORWARD ADDR=127.0.0.9 HELO=good.example\r\nXFORWARD {attribute} ADDR=127.0.0.8\r\n"
            + "MAIL FROM:<>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nx\r\n.\r\nQUIT\r\n");
        Assert.Equal(["220", "250", "250", "501", "250", "250", "354", "250", "221"], Codes(transcript));
        Assert.Contains("501 5.5.4 " + "XFORWARD: " + message, transcript, StringComparison.Ordinal);
        var delivered = Assert.Single(_handler.Deliveries).Transaction;
        Assert.Equal(("127.0.0.9", "good.example"), (delivered.ClientAddress, delivered.ClientHelo));
    }

    [Fact]
    public async Task AnXforwardHeloLongerThan255IsRefused()
    {
        var transcript = await ConverseAsync($"LHLO x\r\nXFORWARD HELO={new string('h', 256)}\r\nQUIT\r\n");
        Assert.Equal(["220", "250", "501", "221"], Codes(transcript));
    }

    [Fact]
    public async Task CommandsOutOfOrderAreRefusedAndTheSessionGoesOn()
    {
        var transcript = await ConverseAsync("MAIL FROM:<a@b.example>\r\nHELO x\r\nLHLO x\r\nRCPT TO:<b@c.example>\r\nDATA\r\n"
            + "MAIL FROM:<a@b.example>\r\nDATA\r\nMAIL FROM:<a@b.example>\r\nRSET\r\nNOOP\r\nVRFY bob\r\nFROB\r\nQUIT\r\n");
        Assert.Equal(["220", "503", "500", "250", "503", "503", "250", "503", "503", "250", "250", "252", "500", "221"], Codes(transcript));
        Assert.Empty(_handler.Deliveries);
    }

    [Fact]
    public async Task MalformedAndUnsupportedArgumentsGet501Or555()
    {
        var transcript = await ConverseAsync("LHLO x\r\nMAIL FROM:alice@example.test\r\nMAIL FROM:<a@b.example> BODY=BINARYMIME\r\n"
            + "MAIL FROM:<a@b.example> RET=FULL\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<>\r\nRCPT TO:<bob@example.test> FOO=1\r\nQUIT\r\n");
        Assert.Equal(["220", "250", "501", "555", "555", "250", "501", "555", "221"], Codes(transcript));
    }

    [Fact]
    public async Task AnOverlongLineGets500AndTheSessionStaysInStep()
    {
        var transcript = await ConverseAsync("LHLO x\r\nNOOP " + new string('x', 3000) + "\r\nNOOP\r\nQUIT\r\n", chunk: 700);
        Assert.Equal(["220", "250", "500", "250", "221"], Codes(transcript));
        Assert.Contains("500 5.5.2 line too long", transcript, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TooManyErrorsCloseTheConnectionWith421()
    {
        var transcript = await ConverseAsync(string.Concat(Enumerable.Repeat("FROB\r\n", 12)) + "QUIT\r\n");
        Assert.EndsWith("503 5.5.1 say LHLO first\r\n421 4.7.0 too many errors, closing\r\n", transcript, StringComparison.Ordinal);
        Assert.Equal(9, Codes(transcript).Count(c => c == "503"));
        Assert.DoesNotContain("221", transcript, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecipientsPastTheLimitGet452AndSizeOverTheLimitGets552()
    {
        var transcript = await ConverseAsync("LHLO x\r\nMAIL FROM:<a@b.example> SIZE=20000\r\nMAIL FROM:<a@b.example>\r\n"
            + "RCPT TO:<r1@example.test>\r\nRCPT TO:<r2@example.test>\r\nRCPT TO:<r3@example.test>\r\nRCPT TO:<r4@example.test>\r\nDATA\r\n"
            + new string('y', 12_000) + "\r\n.\r\nQUIT\r\n");
        Assert.Equal(["220", "250", "552", "250", "250", "250", "250", "452", "354", "552", "552", "552", "221"], Codes(transcript));
        Assert.True(Assert.Single(_handler.Deliveries).TooBig);
    }

    [Fact]
    public async Task TwoTransactionsOnOneConnectionAreIndependent()
    {
        var one = "MAIL FROM:<a@b.example>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nfirst\r\n.\r\n";
        var two = "MAIL FROM:<c@d.example>\r\nRCPT TO:<dave@example.test>\r\nDATA\r\nsecond\r\n.\r\n";
        var transcript = await ConverseAsync("LHLO x\r\n" + one + two + "QUIT\r\n");
        Assert.Equal(["220", "250", "250", "250", "354", "250", "250", "250", "354", "250", "221"], Codes(transcript));
        Assert.Equal(["first\r\n", "second\r\n"], _handler.Deliveries.Select(d => Encoding.ASCII.GetString(d.Content)));
        Assert.Equal("c@d.example", _handler.Deliveries[1].Transaction.MailFrom);
    }

    [Fact]
    public async Task StoppingClosesIdleConnectionsWith421()
    {
        using var socket = await ConnectAsync();
        var buffer = new byte[1024];
        int n = await socket.ReceiveAsync(buffer);
        Assert.StartsWith("220 mx.example.test", Encoding.ASCII.GetString(buffer, 0, n), StringComparison.Ordinal);
        await _listener.StopAsync();
        n = await socket.ReceiveAsync(buffer);
        Assert.StartsWith("421 4.3.2", Encoding.ASCII.GetString(buffer, 0, n), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EachReadHasItsOwnTimeoutAndSilencePastItGets421()
    {
        await using var listener = new LmtpListener(new LmtpServerOptions
        {
            Endpoints = [MilterEndpoint.Parse("inet:127.0.0.1:0")],
            Session = new LmtpSessionOptions { Hostname = "mx.example.test", MaxMessageSize = 10_000, MaxRecipients = 3, MaxLineLength = 512, MaxErrors = 10 },
            SpoolMemoryThreshold = 100,
            ReadTimeout = TimeSpan.FromMilliseconds(1500),
        }, _handler, NullLogger.Instance);
        listener.Start();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(listener.BoundEndpoints[0].EndPoint);
        var buffer = new byte[4096];
        Assert.StartsWith("220 ", Encoding.ASCII.GetString(buffer, 0, await socket.ReceiveAsync(buffer)), StringComparison.Ordinal);

        // Five commands 400 ms apart: 2 s in all, longer than the timeout, each wait well under it, so the session stays
        // (also inside a transaction).
        foreach (var command in new[] { "LHLO postfix.example", "MAIL FROM:<alice@example.test>", "RCPT TO:<bob@example.test>", "RSET", "NOOP" })
        {
            await Task.Delay(400);
            await socket.SendAsync(Encoding.ASCII.GetBytes(command + "\r\n"));
            var reply = Encoding.ASCII.GetString(buffer, 0, await socket.ReceiveAsync(buffer));
            Assert.True(reply.StartsWith("250", StringComparison.Ordinal), command + " -> " + reply);
        }

        var started = DateTime.UtcNow;
        var last = Encoding.ASCII.GetString(buffer, 0, await socket.ReceiveAsync(buffer));
        Assert.StartsWith("421 4.4.2", last, StringComparison.Ordinal);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(1000), TimeSpan.FromSeconds(10));
    }
}
