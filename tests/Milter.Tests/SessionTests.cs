using System.Text;
using MailFilter.Milter.Client;
using MailFilter.Milter.Wire;

namespace MailFilter.Milter.Tests;

public class SessionTests
{
    private static RawMessage Message(string body = "hello\r\n") =>
        RawMessage.Parse(Encoding.UTF8.GetBytes("From: a@example.test\r\nTo: b@example.test\r\nX-Empty:\r\nSubject: part one\r\n\tpart two\r\n\r\n" + body));

    private static MilterTransaction Tx(RawMessage? message = null, params string[] rcpts) => new()
    {
        Sender = "<a@example.test>",
        SenderArguments = ["SIZE=10", "BODY=8BITMIME"],
        Recipients = rcpts.Length == 0 ? ["<b@example.test>"] : rcpts,
        Message = message ?? Message(),
        Macros = new Dictionary<MilterCommand, IReadOnlyDictionary<string, string>>
        {
            [MilterCommand.Connect] = new Dictionary<string, string> { ["j"] = "mx.example.test", ["{daemon_name}"] = "smtpd" },
            [MilterCommand.EndOfMessage] = new Dictionary<string, string> { ["i"] = "QID123" },
        },
    };

    [Fact]
    public async Task AWholeTransactionReachesTheHandlerWithEnvelopeHeadersBodyAndMacros()
    {
        var handler = new ScriptedHandler();
        string? subject = null;
        byte[]? emptyValue = null;
        handler.EndOfMessage = (ctx, m) =>
        {
            subject = m.Headers.GetValue("Subject");
            emptyValue = m.Headers.GetAll("X-Empty").Single().RawValue;
            return Task.FromResult(MilterResponse.Continue);
        };
        await using var server = TestListener.Start(handler);
        await using var client = await server.ConnectClientAsync();
        var negotiated = await client.NegotiateAsync();
        Assert.Equal(6u, negotiated.Version);
        var result = await client.SendMessageAsync(Tx());
        await client.QuitAsync();

        Assert.Equal(MilterReplyCode.Continue, result.Verdict.Code);
        Assert.Contains("connect localhost Inet 12345 127.0.0.1 j=mx.example.test", handler.Events);
        Assert.Contains("mail <a@example.test> [SIZE=10,BODY=8BITMIME]", handler.Events);
        Assert.Contains("eom a@example.test rcpts=1 headers=4 body=7 i=QID123", handler.Events);
        Assert.Equal("part one\tpart two", subject);
        Assert.Equal([], emptyValue!);
    }

    [Fact]
    public async Task NoReplyFlagsMeanNoBytesForHeadersAndBody()
    {
        var handler = new ScriptedHandler();
        await using var server = TestListener.Start(handler);
        using var socket = await server.ConnectRawAsync();
        await socket.SendAsync(Bytes.Packet('O', Bytes.U32(6), Bytes.U32(0x1FF), Bytes.U32(0x1FFFFF)));
        var buf = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int n = await socket.ReceiveAsync(buf, timeout.Token);
        var reply = OptionNegotiation.Parse(buf.AsSpan(5, n - 5));
        Assert.True(reply.Protocol.HasFlag(MilterProtocolFlags.NoReplyHeader));
        Assert.True(reply.Protocol.HasFlag(MilterProtocolFlags.NoReplyBody));

        await socket.SendAsync(Bytes.Concat(
            Bytes.Packet('M', Bytes.Z("<a@x>")),
            Bytes.Packet('R', Bytes.Z("<b@y>"))));
        n = 0;
        while (n < 10)
        {
            n += await socket.ReceiveAsync(buf.AsMemory(n), timeout.Token);
        }

        Assert.Equal(Bytes.Concat(Bytes.Packet('c'), Bytes.Packet('c')), buf[..n]); // two replies, pipelined
        await socket.SendAsync(Bytes.Concat(
            Bytes.Packet('L', Bytes.Z("Subject"), Bytes.Z(" hi")),
            Bytes.Packet('N'),
            Bytes.Packet('B', "body\r\n"u8.ToArray())));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await socket.ReceiveAsync(buf, cts.Token));
        await socket.SendAsync(Bytes.Packet('E'));
        n = await socket.ReceiveAsync(buf, timeout.Token);
        Assert.Equal(Bytes.Packet('c'), buf[..n]);
    }

    [Fact]
    public async Task ReducedProtocolStillRunsAWholeTransaction()
    {
        var handler = new ScriptedHandler();
        await using var server = TestListener.Start(handler);
        await using var client = await server.ConnectClientAsync();
        var negotiated = await client.NegotiateAsync(6, (MilterActions)0x3F, (MilterProtocolFlags)0x7F);
        Assert.Equal(0u, (uint)negotiated.Protocol & ~0x7Fu);
        var result = await client.SendMessageAsync(Tx());
        Assert.Equal(MilterReplyCode.Continue, result.Verdict.Code);
        Assert.Contains(result.Steps, s => s.Step == "header Subject" && s.Reply?.Code == MilterReplyCode.Continue);
    }

    [Fact]
    public async Task VersionTwoMtaGetsVersionTwoAndNoDataStep()
    {
        var handler = new ScriptedHandler();
        await using var server = TestListener.Start(handler);
        await using var client = await server.ConnectClientAsync();
        var negotiated = await client.NegotiateAsync(2, MilterActions.Version2Mask, MilterProtocolFlags.Version2Mask);
        Assert.Equal(2u, negotiated.Version);
        var result = await client.SendMessageAsync(Tx());
        Assert.Equal(MilterReplyCode.Continue, result.Verdict.Code);
        Assert.DoesNotContain(result.Steps, s => s.Step == "data" && s.Reply is not null);
    }

    [Fact]
    public async Task RecipientRejectedWithReplyCodeOnlyDropsThatRecipient()
    {
        var handler = new ScriptedHandler
        {
            Recipient = (_, r) => r.Address.StartsWith("reject", StringComparison.Ordinal) ? MilterResponse.WithReply(550, "5.1.1", "no % user") : MilterResponse.Continue,
        };
        await using var server = TestListener.Start(handler);
        await using var client = await server.ConnectClientAsync();
        await client.NegotiateAsync();
        var result = await client.SendMessageAsync(Tx(null, "<one@x>", "<reject@x>", "<three@x>"));
        var rcpts = result.Steps.Where(s => s.Step.StartsWith("rcpt", StringComparison.Ordinal)).ToList();
        Assert.Equal(MilterReplyCode.Continue, rcpts[0].Reply!.Code);
        Assert.Equal(new MilterClientReply(MilterReplyCode.ReplyCode, "550 5.1.1 no %% user"), rcpts[1].Reply);
        Assert.Equal(MilterReplyCode.Continue, rcpts[2].Reply!.Code);
        Assert.Contains("eom a@example.test rcpts=2 headers=4 body=7 i=QID123", handler.Events);
    }

    [Fact]
    public async Task RecipientRefusedUnderNoReplyRecipientRefusesTheWholeMessageAtEndOfMessage()
    {
        // A handler that negotiated no RCPT answers (NR_RCPT) but refuses one anyway, as after a reload that turned the
        // whitelist on: the MTA keeps every recipient, so the only safe answer is the refusal for the whole message.
        bool eomCalled = false;
        var handler = new ScriptedHandler
        {
            FeaturesValue = new MilterFeatures { Protocol = new MilterFeatures().Protocol | MilterProtocolFlags.NoReplyRecipient },
            Recipient = (_, r) => r.Address.StartsWith("reject", StringComparison.Ordinal) ? MilterResponse.WithReply(550, "5.7.1", "not on the list") : MilterResponse.Continue,
            EndOfMessage = (_, _) =>
            {
                eomCalled = true;
                return Task.FromResult(MilterResponse.Continue);
            },
        };
        await using var server = TestListener.Start(handler);
        await using var client = await server.ConnectClientAsync();
        var negotiated = await client.NegotiateAsync();
        Assert.True(negotiated.Protocol.HasFlag(MilterProtocolFlags.NoReplyRecipient));
        var result = await client.SendMessageAsync(Tx(null, "<one@x>", "<reject@x>", "<three@x>"));

        Assert.All(result.Steps.Where(s => s.Step.StartsWith("rcpt", StringComparison.Ordinal)), s => Assert.Null(s.Reply));
        Assert.Equal(new MilterClientReply(MilterReplyCode.ReplyCode, "550 5.7.1 not on the list"), result.Verdict);
        Assert.False(eomCalled);

        // The next message on the connection starts clean.
        var next = await client.SendMessageAsync(Tx(null, "<one@x>"));
        Assert.Equal(MilterReplyCode.Continue, next.Verdict.Code);
        Assert.True(eomCalled);
    }

    [Fact]
    public async Task BodyInManyChunksIsReassembledWhole()
    {
        var body = Enumerable.Range(0, 200_000).Select(i => (byte)('a' + i % 26)).ToArray();
        byte[]? seen = null;
        var handler = new ScriptedHandler
        {
            EndOfMessage = async (_, m) =>
            {
                using var ms = new MemoryStream();
                await m.Body.OpenRead().CopyToAsync(ms);
                seen = ms.ToArray();
                return MilterResponse.Continue;
            },
        };
        await using var server = TestListener.Start(handler, new MilterOptions { SpoolMemoryThreshold = 50_000 });
        await using var client = await server.ConnectClientAsync();
        await client.NegotiateAsync(6, MilterActions.CurrentMask, MilterProtocolFlags.CurrentMask & ~MilterProtocolFlags.NoReplyBody);
        var message = Message();
        message.Body = body;
        var result = await client.SendMessageAsync(Tx(message));
        Assert.Equal(4, result.Steps.Count(s => s.Step == "body"));
        Assert.All(result.Steps.Where(s => s.Step == "body"), s => Assert.Equal(MilterReplyCode.Continue, s.Reply!.Code));
        Assert.Equal(body, seen);
    }

    [Fact]
    public async Task EveryEndOfMessageActionArrivesAsPlannedAndAppliesToTheExpectedMessage()
    {
        var newBody = Enumerable.Range(0, 150_000).Select(i => (byte)(i % 64 + 32)).ToArray();
        var handler = new ScriptedHandler
        {
            EndOfMessage = (_, m) =>
            {
                m.Headers.Add("X-Added", "v");
                m.Headers.Insert(0, "X-Inserted", "top");
                m.Headers.Set("To", "changed@example.test");
                m.Headers.RemoveAll("X-Empty");
                m.ReplaceBody(newBody);
                m.AddRecipient("<added@example.test>");
                m.AddRecipient("<notify@example.test>", "NOTIFY=NEVER");
                m.RemoveRecipient("b@example.test");
                m.ChangeSender("<new@example.test>", "RET=HDRS");
                m.Quarantine("held for test");
                return Task.FromResult(MilterResponse.Continue);
            },
        };
        await using var server = TestListener.Start(handler);
        await using var client = await server.ConnectClientAsync();
        await client.NegotiateAsync();
        var tx = Tx();
        var result = await client.SendMessageAsync(tx);
        var mods = result.EndOfMessage!.Modifications;
        Assert.Equal(MilterReplyCode.Continue, result.Verdict.Code);
        var bodyPackets = mods.Where(m => m.Code == MilterReplyCode.ReplaceBody).ToList();
        Assert.Equal(3, bodyPackets.Count);
        Assert.All(bodyPackets, p => Assert.True(p.Body.Length <= 65535));
        // The REPLBODY packets form one consecutive run.
        int first = mods.ToList().FindIndex(m => m.Code == MilterReplyCode.ReplaceBody);
        Assert.All(mods.Skip(first).Take(3), m => Assert.Equal(MilterReplyCode.ReplaceBody, m.Code));
        Assert.Contains(mods, m => m.Code == MilterReplyCode.AddRecipientWithArgs && m.AddressText == "<notify@example.test>" && m.Arguments == "NOTIFY=NEVER");
        Assert.Contains(mods, m => m.Code == MilterReplyCode.DeleteRecipient && m.AddressText == "<b@example.test>");
        Assert.Contains(mods, m => m.Code == MilterReplyCode.ChangeFrom && m.AddressText == "<new@example.test>" && m.Arguments == "RET=HDRS");
        Assert.Contains(mods, m => m.Code == MilterReplyCode.Quarantine && m.Arguments == "held for test");

        var applied = MilterModificationApplier.Apply(tx.Message, mods, exactHeaderValues: true);
        Assert.Equal(["X-Inserted", "From", "To", "Subject", "X-Added"], applied.Message.Headers.Select(h => h.Name));
        Assert.Equal(" changed@example.test", Encoding.UTF8.GetString(applied.Message.Headers[2].Value));
        Assert.Equal(RawMessage.ToCrlf(newBody), applied.Message.Body);
        Assert.Equal(["<added@example.test>", "<notify@example.test> NOTIFY=NEVER"], applied.AddedRecipients);
    }

    [Fact]
    public async Task EditsNeedTheirNegotiatedRightsOrTheMessageIsTempfailed()
    {
        var handler = new ScriptedHandler { EndOfMessage = (_, m) => { m.Headers.Add("X-A", "v"); return Task.FromResult(MilterResponse.Continue); } };
        await using var server = TestListener.Start(handler);
        await using var client = await server.ConnectClientAsync();
        await client.NegotiateAsync(6, MilterActions.ChangeBody, MilterProtocolFlags.CurrentMask);
        var result = await client.SendMessageAsync(Tx());
        Assert.Equal(MilterReplyCode.Tempfail, result.Verdict.Code);
        Assert.Empty(result.EndOfMessage!.Modifications);
    }

    [Fact]
    public async Task AbortForgetsTheMessageAndTheNextOneStartsClean()
    {
        int n = 0;
        var handler = new ScriptedHandler
        {
            EndOfMessage = (_, m) =>
            {
                if (n++ == 0)
                {
                    m.Headers.Add("X-First-Only", "1");
                }

                return Task.FromResult(MilterResponse.Continue);
            },
        };
        await using var server = TestListener.Start(handler);
        await using var client = await server.ConnectClientAsync();
        await client.NegotiateAsync();
        await client.AbortAsync(); // idle abort: a no-op
        var first = await client.SendMessageAsync(Tx());
        await client.AbortAsync(); // a second abort in a row is normal
        var second = await client.SendMessageAsync(Tx());
        Assert.Single(first.EndOfMessage!.Modifications);
        Assert.Empty(second.EndOfMessage!.Modifications);
        Assert.Equal(0, handler.Aborts);
    }

    [Fact]
    public async Task UnknownCommandGetsAReplyAndTheConnectionStaysUsable()
    {
        var handler = new ScriptedHandler { FeaturesValue = new MilterFeatures { Protocol = MilterProtocolFlags.HeaderLeadingSpace } };
        await using var server = TestListener.Start(handler);
        await using var client = await server.ConnectClientAsync();
        await client.NegotiateAsync();
        var reply = await client.UnknownAsync("XFOO");
        Assert.Equal(MilterReplyCode.Continue, reply!.Code);
        Assert.Contains("unknown XFOO", handler.Events);
        var result = await client.SendMessageAsync(Tx());
        Assert.Equal(MilterReplyCode.Continue, result.Verdict.Code);
    }

    [Fact]
    public async Task SlowHandlerSendsProgressThenExactlyOneFinalReply()
    {
        var handler = new ScriptedHandler
        {
            EndOfMessage = async (_, _) =>
            {
                await Task.Delay(700);
                return MilterResponse.Continue;
            },
        };
        await using var server = TestListener.Start(handler, new MilterOptions { ProgressInterval = TimeSpan.FromMilliseconds(100) });
        await using var client = await server.ConnectClientAsync();
        await client.NegotiateAsync();
        var result = await client.SendMessageAsync(Tx());
        Assert.Equal(MilterReplyCode.Continue, result.Verdict.Code);
        Assert.InRange(client.ProgressCount, 3, 10);
        // The stream is still in step: a second message works.
        Assert.Equal(MilterReplyCode.Continue, (await client.SendMessageAsync(Tx())).Verdict.Code);
    }

    [Fact]
    public async Task FailingHandlerTempfailsTheMessageAndKeepsTheConnection()
    {
        int calls = 0;
        var handler = new ScriptedHandler
        {
            EndOfMessage = (_, _) => calls++ == 0 ? throw new InvalidOperationException("boom") : Task.FromResult(MilterResponse.Continue),
        };
        await using var server = TestListener.Start(handler);
        await using var client = await server.ConnectClientAsync();
        await client.NegotiateAsync();
        Assert.Equal(MilterReplyCode.Tempfail, (await client.SendMessageAsync(Tx())).Verdict.Code);
        Assert.Equal(MilterReplyCode.Continue, (await client.SendMessageAsync(Tx())).Verdict.Code);
    }

    [Fact]
    public async Task AcceptAtMailEndsTheMessageWithoutEndOfMessage()
    {
        var handler = new ScriptedHandler { Mail = (_, _) => MilterResponse.Accept };
        await using var server = TestListener.Start(handler);
        await using var client = await server.ConnectClientAsync();
        await client.NegotiateAsync();
        var result = await client.SendMessageAsync(Tx());
        Assert.Equal(MilterReplyCode.Accept, result.Verdict.Code);
        Assert.Equal("mail", result.DecidedAt);
        Assert.DoesNotContain(handler.Events, e => e.StartsWith("eom", StringComparison.Ordinal));
    }

    [Fact]
    public async Task QuitNewConnectionStartsAFreshSessionWithTheSameNegotiation()
    {
        var handler = new ScriptedHandler();
        await using var server = TestListener.Start(handler);
        await using var client = await server.ConnectClientAsync();
        await client.NegotiateAsync();
        await client.SendMessageAsync(Tx());
        await client.QuitNewConnectionAsync();
        var second = await client.SendMessageAsync(Tx() with { Macros = new Dictionary<MilterCommand, IReadOnlyDictionary<string, string>>() });
        Assert.Equal(MilterReplyCode.Continue, second.Verdict.Code);
        Assert.Equal(2, handler.Events.Count(e => e.StartsWith("connect", StringComparison.Ordinal)));
        Assert.Contains("connect localhost Inet 12345 127.0.0.1 j=", handler.Events); // macros of the first session are gone
        Assert.Equal(1, handler.Closes);
    }

    [Fact]
    public async Task SymbolListsAreRequestedOnlyWhenTheMtaOffersThem()
    {
        var handler = new ScriptedHandler
        {
            FeaturesValue = new MilterFeatures { Macros = new Dictionary<MacroStage, string> { [MacroStage.MailFrom] = "i {auth_authen}" } },
        };
        await using var server = TestListener.Start(handler);
        await using (var client = await server.ConnectClientAsync())
        {
            await client.NegotiateAsync();
            Assert.Equal("i {auth_authen}", client.RequestedMacros[MacroStage.MailFrom]);
        }

        await using (var client = await server.ConnectClientAsync())
        {
            await client.NegotiateAsync(6, MilterActions.CurrentMask & ~MilterActions.SetSymbolList, MilterProtocolFlags.CurrentMask);
            Assert.Empty(client.RequestedMacros);
        }
    }

    [Fact]
    public async Task SkipStopsTheBodyWhenTheMtaOffersIt()
    {
        var handler = new ScriptedHandler { BodyChunk = _ => MilterResponse.Skip };
        await using var server = TestListener.Start(handler);
        await using var client = await server.ConnectClientAsync();
        await client.NegotiateAsync(6, MilterActions.CurrentMask, MilterProtocolFlags.CurrentMask & ~MilterProtocolFlags.NoReplyBody);
        var message = Message();
        message.Body = new byte[200_000];
        var result = await client.SendMessageAsync(Tx(message));
        Assert.Single(result.Steps, s => s.Step == "body");
        Assert.Equal(MilterReplyCode.Skip, result.Steps.Single(s => s.Step == "body").Reply!.Code);
        Assert.Equal(MilterReplyCode.Continue, result.Verdict.Code);
    }

    [Fact]
    public async Task TcpTransportWorksLikeTheUnixSocket()
    {
        var handler = new ScriptedHandler();
        await using var server = TestListener.Start(handler, tcp: true);
        Assert.False(server.Endpoint.IsUnix);
        await using var client = await server.ConnectClientAsync();
        await client.NegotiateAsync();
        Assert.Equal(MilterReplyCode.Continue, (await client.SendMessageAsync(Tx())).Verdict.Code);
    }
}
