using System.Text;
using MailFilter.Lab;
using MailFilter.Milter;
using MailFilter.Milter.Wire;

namespace MailFilter.Integration.Tests;

public sealed class PostfixEditFixture : IAsyncLifetime
{
    public InProcessFilter Filter { get; private set; } = null!;

    public InProcessFilter PlainFilter { get; private set; } = null!;

    public InProcessFilter NoLeadingSpaceFilter { get; private set; } = null!;

    public PostfixInstance Postfix { get; private set; } = null!;

    public PostfixInstance PlainPostfix { get; private set; } = null!;

    public PostfixInstance NoLeadingSpacePostfix { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Filter = InProcessFilter.Start();
        PlainFilter = InProcessFilter.Start(tcp: true, trace: false); // inet:127.0.0.1:port, the other transport
        // The same pipeline negotiated without HDR_LEADSPC (Postfix then adds and strips one space itself).
        NoLeadingSpaceFilter = InProcessFilter.Start(features: new MilterFeatures
        {
            Protocol = new MilterFeatures().Protocol & ~MilterProtocolFlags.HeaderLeadingSpace,
        });
        var starts = new[]
        {
            PostfixInstance.StartAsync(new PostfixOptions { SmtpdMilters = Filter.Endpoint.Spec, NonSmtpdMilters = Filter.Endpoint.Spec }),
            PostfixInstance.StartAsync(new PostfixOptions { SmtpdMilters = PlainFilter.Endpoint.Spec }),
            PostfixInstance.StartAsync(new PostfixOptions { SmtpdMilters = NoLeadingSpaceFilter.Endpoint.Spec }),
        };
        await Task.WhenAll(starts);
        (Postfix, PlainPostfix, NoLeadingSpacePostfix) = (starts[0].Result, starts[1].Result, starts[2].Result);
    }

    public async Task DisposeAsync()
    {
        await Task.WhenAll(Postfix.DisposeAsync().AsTask(), PlainPostfix.DisposeAsync().AsTask(), NoLeadingSpacePostfix.DisposeAsync().AsTask());
        await Filter.DisposeAsync();
        await PlainFilter.DisposeAsync();
        await NoLeadingSpaceFilter.DisposeAsync();
    }
}

/// <summary>
/// Real Postfix 3.7 (private instances on loopback) with mailfilterd's pipeline as smtpd_milters and
/// non_smtpd_milters, delivering to files: what Postfix stores is exactly what the stages asked for.
/// </summary>
public sealed class PostfixEditTests(PostfixEditFixture lab) : IClassFixture<PostfixEditFixture>
{
    private static byte[] Crlf(string text) => Encoding.UTF8.GetBytes(text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal));

    private static async Task<Delivered> OneDeliveryAsync(PostfixInstance postfix, string recipient)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var files = postfix.Deliveries().Where(f => f.EndsWith("." + recipient, StringComparison.Ordinal)).ToList();
            if (files.Count == 1)
            {
                return Delivered.Read(files[0]);
            }

            Assert.True(files.Count <= 1, $"{files.Count} deliveries for {recipient}");
            Assert.True(DateTime.UtcNow < deadline, $"no delivery for {recipient}; maillog:\n{postfix.Maillog}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task AMessageWithAwkwardHeadersPassesThroughByteForByte()
    {
        var message = Crlf("""
            Received: from upstream.example.org (upstream.example.org [192.0.2.1])
            	by relay.example.org with ESMTP id ABC; Sat, 21 Nov 2026 06:00:00 +0000
            From: "Alice Ünicode" <alice@example.test>
            To: bob-pass@example.test
            Subject: =?UTF-8?B?w5xiZXJwcsO8ZnVuZw==?= and a long subject line that is folded
             onto a second line with a space
            	and a third with a tab
            X-TwoSpaces:  two leading spaces
            X-Tab:	tab first
            X-NoSpace:no space at all
            X-Empty:
            X-Trailing: trailing spaces   
            X-8bit: Grüße aus Köln
            Message-ID: <pass-through-1@example.test>
            Date: Sat, 21 Nov 2026 07:00:00 +0000
            MIME-Version: 1.0
            Content-Type: text/plain; charset=utf-8

            .a line starting with a dot
            ..two dots
            trailing spaces here   
            	tab-indented line
            Grüße

            """);
        var result = await lab.PlainPostfix.SendAsync("alice@example.test", ["bob-pass@example.test"], message);
        Assert.True(result.Accepted, result.ToString());
        var delivered = await OneDeliveryAsync(lab.PlainPostfix, "bob-pass@example.test");
        Assert.Equal(Encoding.UTF8.GetString(Delivered.Lf(message)), Encoding.UTF8.GetString(delivered.WithoutPostfixReceived()));
        Assert.DoesNotContain("warning: milter", lab.PlainPostfix.Maillog, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task StageEditsArriveExactlyAsAsked(bool leadingSpaceNegotiated)
    {
        var postfix = leadingSpaceNegotiated ? lab.Postfix : lab.NoLeadingSpacePostfix;
        string bob = $"bob-edit-{leadingSpaceNegotiated}@example.test";
        string carol = $"carol-added-{leadingSpaceNegotiated}@example.net";
        string dave = $"dave-removed-{leadingSpaceNegotiated}@example.net";
        var message = Crlf($"""
            Received: from upstream.example.org by relay.example.org; Sat, 21 Nov 2026 06:00:00 +0000
            From: alice@example.test
            To: {bob}
            X-Dup: one
            Subject: edits
            X-Dup: two
            X-Remove-Me: gone
            Message-ID: <edits-{leadingSpaceNegotiated}@example.test>
            Date: Sat, 21 Nov 2026 07:00:00 +0000
            X-Test-Insert: 0 X-Inserted: at the top
            X-Test-Insert: 4 X-Before-Dup-Two: in the middle
            X-Test-Add: X-Added: at the end
            X-Test-Change: X-Dup 2 second, changed
            X-Test-Change: X-Remove-Me 1
            X-Test-Body: 300000
            X-Test-Add-Rcpt: <{carol}>
            X-Test-Del-Rcpt: <{dave}>

            original body
            """);
        var result = await postfix.SendAsync("alice@example.test", [bob, dave], message);
        Assert.True(result.Accepted, result.ToString());
        var delivered = await OneDeliveryAsync(postfix, bob);
        var forCarol = await OneDeliveryAsync(postfix, carol);
        await Task.Delay(500);
        Assert.DoesNotContain(postfix.Deliveries(), f => f.EndsWith(dave, StringComparison.Ordinal));

        Assert.Equal(
            ["Received", "X-MailFilter-Trace", "X-Inserted", "Received", "From", "To", "X-Before-Dup-Two", "X-Dup", "Subject", "X-Dup", "Message-ID", "Date",
             "X-Test-Insert", "X-Test-Insert", "X-Test-Add", "X-Test-Change", "X-Test-Change", "X-Test-Body", "X-Test-Add-Rcpt", "X-Test-Del-Rcpt", "X-Added"],
            delivered.HeaderNames);
        Assert.Contains("(Postfix)", delivered.Header("Received"), StringComparison.Ordinal); // Postfix's own stays on top
        Assert.Equal(" at the top", delivered.Header("X-Inserted"));
        Assert.Equal(" one", delivered.Header("X-Dup", 1));
        Assert.Equal(" second, changed", delivered.Header("X-Dup", 2));
        Assert.Equal(" at the end", delivered.Header("X-Added"));
        Assert.Null(delivered.Header("X-Remove-Me"));
        Assert.StartsWith($" mx.example.test (mailfilterd ", delivered.Header("X-MailFilter-Trace"), StringComparison.Ordinal);
        Assert.Contains($"qid={delivered.QueueId}; script", delivered.Header("X-MailFilter-Trace"), StringComparison.Ordinal);
        Assert.Equal(Delivered.Lf(ScriptStage.PatternBody(300000)), delivered.Message.Body.Length == 0 ? [] : Delivered.Lf(delivered.Message.Body));
        Assert.Equal(delivered.Message.Body, forCarol.Message.Body);
        Assert.DoesNotContain("warning: milter", postfix.Maillog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MailSubmittedWithSendmailIsFilteredToo()
    {
        var message = Crlf("""
            From: alice@example.test
            To: bob-sendmail@example.test
            Subject: via sendmail(1)

            local submission
            """);
        var run = await lab.Postfix.SendmailAsync("alice@example.test", ["bob-sendmail@example.test"], message);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var delivered = await OneDeliveryAsync(lab.Postfix, "bob-sendmail@example.test");
        Assert.Contains($"qid={delivered.QueueId}; passed", delivered.Header("X-MailFilter-Trace"), StringComparison.Ordinal);
        Assert.Contains(lab.Filter.Log.Lines, l => l.Contains($"{delivered.QueueId}: from=<alice@example.test>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RefusalsReachTheSmtpClientWithTheFiltersText()
    {
        var message = Crlf("From: x@example.test\nSubject: no\n\nno\n");
        var sender = await lab.Postfix.SendAsync("rejectsender@example.test", ["bob@example.test"], message);
        Assert.Equal(("mail", 550), (sender.Stage, sender.Code));
        Assert.Equal("5.7.1 Sender rejected", sender.Text);
        var recipient = await lab.Postfix.SendAsync("alice@example.test", ["reject-me@example.test"], message);
        Assert.Equal(550, recipient.Code);
        Assert.Equal("5.1.1 no % user", recipient.Text);
        Assert.Contains("milter-reject: MAIL from", lab.Postfix.Maillog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATenMegabyteMessageIsFilteredWhole()
    {
        var body = ScriptStage.PatternBody(10 * 1024 * 1024);
        var message = Encoding.ASCII.GetBytes("From: alice@example.test\r\nTo: bob-big@example.test\r\nSubject: big\r\nMessage-ID: <big@example.test>\r\nDate: Sat, 21 Nov 2026 07:00:00 +0000\r\n\r\n").Concat(body).ToArray();
        var result = await lab.Postfix.SendAsync("alice@example.test", ["bob-big@example.test"], message);
        Assert.True(result.Accepted, result.ToString());
        var delivered = await OneDeliveryAsync(lab.Postfix, "bob-big@example.test");
        Assert.Equal(Delivered.Lf(body), Delivered.Lf(delivered.Message.Body));
        Assert.NotNull(delivered.Header("X-MailFilter-Trace"));
    }

    [Fact]
    public async Task ASessionWithAnUnknownCommandTwoMessagesAndRsetLeavesNoMilterWarnings()
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync("127.0.0.1", lab.Postfix.SmtpPort);
        await using var stream = client.GetStream();
        var reader = new StreamReader(stream, Encoding.ASCII);
        async Task<string> Say(string line)
        {
            if (line.Length > 0)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"));
            }

            string reply;
            do
            {
                reply = (await reader.ReadLineAsync())!;
            }
            while (reply.Length > 3 && reply[3] == '-');
            return reply;
        }

        Assert.StartsWith("220", await Say(""), StringComparison.Ordinal);
        Assert.StartsWith("250", await Say("EHLO client.example.test"), StringComparison.Ordinal);
        Assert.StartsWith("500", await Say("XFOO bar baz"), StringComparison.Ordinal);
        for (int i = 0; i < 2; i++)
        {
            Assert.StartsWith("250", await Say("MAIL FROM:<alice@example.test>"), StringComparison.Ordinal);
            Assert.StartsWith("250", await Say($"RCPT TO:<bob-session-{i}@example.test>"), StringComparison.Ordinal);
            Assert.StartsWith("354", await Say("DATA"), StringComparison.Ordinal);
            Assert.StartsWith("250", await Say($"Subject: message {i}\r\n\r\nbody {i}\r\n."), StringComparison.Ordinal);
        }

        Assert.StartsWith("250", await Say("MAIL FROM:<alice@example.test>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await Say("RCPT TO:<bob-rset@example.test>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await Say("RSET"), StringComparison.Ordinal);
        Assert.StartsWith("221", await Say("QUIT"), StringComparison.Ordinal);
        await OneDeliveryAsync(lab.Postfix, "bob-session-0@example.test");
        await OneDeliveryAsync(lab.Postfix, "bob-session-1@example.test");
        Assert.DoesNotContain("warning: milter", lab.Postfix.Maillog, StringComparison.Ordinal);
        Assert.DoesNotContain(lab.Filter.Log.Lines, l => l.Contains("protocol error", StringComparison.Ordinal));
    }
}
