using MailFilter.Lab;

namespace MailFilter.EndToEnd.Tests;

/// <summary>example.test (alice, bob) and example.net (zed), each with its own PostgreSQL, mailfilter-authd,
/// mailfilterd, Dovecot and Postfix, routed to each other by transport_maps and finding each other's keys by key
/// discovery.</summary>
public sealed class TwoDomains : IAsyncLifetime
{
    public MailDomain Test { get; private set; } = null!;

    public MailDomain Net { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var test = MailDomain.StartAsync("example.test", ["alice@example.test", "bob@example.test"]);
        var net = MailDomain.StartAsync("example.net", ["zed@example.net"]);
        Test = await test;
        Net = await net;
        await Test.ConnectAsync(Net);
        await Net.ConnectAsync(Test);
    }

    public async Task DisposeAsync()
    {
        if (Test is not null)
        {
            await Test.DisposeAsync();
        }

        if (Net is not null)
        {
            await Net.DisposeAsync();
        }
    }
}

public sealed class TwoDomainTests(TwoDomains domains) : IClassFixture<TwoDomains>
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task EncryptedSignedMailCrossesBothWaysAfterKeyDiscoveryAndArrivesVerified()
    {
        var (test, net) = (domains.Test, domains.Net);
        // The admins made their users' keys (mailfilterctl keys generate does the same); discovery finds them.
        await test.Authd.GenerateAsync("alice@example.test");
        await net.Authd.GenerateAsync("zed@example.net");

        await CrossAsync(test, "alice@example.test", net, "zed@example.net");
        await CrossAsync(net, "zed@example.net", test, "alice@example.test");

        // Each side pinned the other's keys on first use (trust on first use, recorded for later conflict checks).
        var pins = await ProcessRunner.RunAsync(Repo.BuildOutput("src/Cli", "mailfilterctl"), "keys", "pins", "list", "--socket", test.AuthdSocket, "--json");
        Assert.Contains("zed@example.net", pins.EnsureSuccess("keys pins list").Stdout, StringComparison.Ordinal);
    }

    /// <summary>One message from <paramref name="from"/> to <paramref name="to"/>: held in the sender's queue to show it
    /// leaves as ciphertext, then released; it must arrive with the receiver's pass and the original body.</summary>
    private static async Task CrossAsync(MailDomain sender, string from, MailDomain receiver, string to)
    {
        string id = $"cross-{Guid.NewGuid():N}@{sender.Name}";
        var original = System.Text.Encoding.UTF8.GetBytes(
            $"From: {from}\r\nTo: {to}\r\nSubject: across domains (7f3a9c) from {from}\r\nMessage-ID: <{id}>\r\n" +
            "Date: Sat, 21 Nov 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
            "Grüße über die Grenze.\r\n");
        await sender.Postfix.HoldDeliveriesAsync("smtp");
        try
        {
            var sent = await sender.SubmitAsync(from, [to], original);
            Assert.True(sent.Accepted, sent + "\n" + sender.Diagnostics);
            var queued = await sender.Postfix.PostcatAsync(sent.QueueId!);
            Assert.True(TestMessages.Contains(queued, "multipart/encrypted"), "not encrypted for " + to + "\n" + sender.Diagnostics);
            Assert.False(TestMessages.Contains(queued, "7f3a9c"), "plaintext subject in the sender's queue");
        }
        finally
        {
            await sender.Postfix.ReleaseDeliveriesAsync();
        }

        var copy = await receiver.FindAsync(to, id, s_wait) ?? throw new TimeoutException(sender.Diagnostics + "\n" + receiver.Diagnostics);
        Assert.StartsWith($"{receiver.Hostname}; mailfilter=pass header.from={from}", Delivered.Result(copy, receiver.Hostname), StringComparison.Ordinal);
        Assert.True(copy.AsSpan().EndsWith(Delivered.Split(original).Body), "the body differs");
        Assert.Equal($"across domains (7f3a9c) from {from}", (await Delivered.JudgeAsync(copy)).Subject);
    }
}
