using MailFilter.AuthClient.Protocol;
using MailFilter.Lab;

namespace MailFilter.Whitelist.Tests;

/// <summary>example.test (alice under egress = whitelist, bob, carol under open) and example.net (zed, yan), each a whole
/// domain (PostgreSQL, mailfilter-authd, mailfilterd, Dovecot, Postfix with SMTP AUTH), routed to each other.</summary>
public sealed class WhitelistDomains : IAsyncLifetime
{
    public MailDomain Test { get; private set; } = null!;

    public MailDomain Net { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var test = MailDomain.StartAsync("example.test", ["alice@example.test", "bob@example.test", "carol@example.test"],
            policy: "\n[policy:alice@example.test]\negress = whitelist\n");
        var net = MailDomain.StartAsync("example.net", ["zed@example.net", "yan@example.net"]);
        Test = await test;
        Net = await net;
        await Test.ConnectAsync(Net);
        await Net.ConnectAsync(Test);
        await Test.Authd.AddUserAsync(new UserAddRequest { Name = "alice", Password = "alice's password", Addresses = ["alice@example.test"] });
        await Test.Authd.AddWhitelistEntriesAsync("alice", [new WhitelistEntry { Address = "zed@example.net", Name = "Zed" }]);
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

public sealed class EnforcementTests(WhitelistDomains domains) : IClassFixture<WhitelistDomains>
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task AWhitelistedSenderReachesListedAndLocalRecipientsWhileEachUnlistedOneGets550InTheSameMessage()
    {
        var (test, net) = (domains.Test, domains.Net);
        string id = $"wl-{Guid.NewGuid():N}@example.test";
        var sent = await test.SubmitAsync("alice@example.test", ["zed@example.net", "yan@example.net", "bob@example.test"], Message("alice@example.test", id));

        Assert.True(sent.Accepted, sent + "\n" + test.Diagnostics);
        Assert.NotNull(await net.FindAsync("zed@example.net", id, s_wait));
        Assert.NotNull(await test.FindAsync("bob@example.test", id, s_wait));
        // Postfix logs the milter's refusal of the one recipient; mailfilterd logs each decision with the list version.
        Assert.Contains("5.7.1 <yan@example.net>: recipient not on the whitelist of <alice@example.test> (egress policy whitelist)", test.Postfix.Maillog, StringComparison.Ordinal);
        var log = test.FilterLog;
        Assert.Matches(@"whitelist from=<alice@example\.test> to=<zed@example\.net> user=alice version=[1-9][0-9]* decision=allowed", log);
        Assert.Matches(@"whitelist from=<alice@example\.test> to=<yan@example\.net> user=alice version=[1-9][0-9]* decision=refused", log);
        Assert.Contains("to=<bob@example.test> user=- version=-1 decision=allowed (local recipient)", log, StringComparison.Ordinal);
        Assert.Null(await net.FindAsync("yan@example.net", id, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task AMessageToOnlyUnlistedRecipientsIsRefusedAtRcptWith550AndTheHowToText()
    {
        var sent = await domains.Test.SubmitAsync("alice@example.test", ["yan@example.net"], Message("alice@example.test", $"wl-{Guid.NewGuid():N}@example.test"));

        Assert.Equal("rcpt yan@example.net", sent.Stage);
        Assert.Equal(550, sent.Code);
        Assert.Contains("5.7.1", sent.Text, StringComparison.Ordinal);
        Assert.Contains("ask your mail administrator to add it (mailfilterctl whitelist add)", sent.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASenderUnderTheOpenPolicyIsUnaffected()
    {
        string id = $"open-{Guid.NewGuid():N}@example.test";
        var sent = await domains.Test.SubmitAsync("carol@example.test", ["yan@example.net"], Message("carol@example.test", id));

        Assert.True(sent.Accepted, sent + "\n" + domains.Test.Diagnostics);
        Assert.NotNull(await domains.Net.FindAsync("yan@example.net", id, s_wait));
        Assert.DoesNotContain("whitelist from=<carol@example.test>", domains.Test.FilterLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAdminAdditionTakesEffectForTheNextMessage()
    {
        var (test, net) = (domains.Test, domains.Net);
        await test.Authd.AddWhitelistEntriesAsync("alice", [new WhitelistEntry { Domain = "example.net", Name = "all of example.net" }]);
        try
        {
            string id = $"wl-added-{Guid.NewGuid():N}@example.test";
            var sent = await test.SubmitAsync("alice@example.test", ["yan@example.net"], Message("alice@example.test", id));

            Assert.True(sent.Accepted, sent + "\n" + test.Diagnostics);
            Assert.NotNull(await net.FindAsync("yan@example.net", id, s_wait));
        }
        finally
        {
            await test.Authd.RemoveWhitelistEntriesAsync("alice", ["example.net"]);
        }
    }

    private static byte[] Message(string from, string id) => System.Text.Encoding.UTF8.GetBytes(
        $"From: {from}\r\nTo: someone\r\nSubject: whitelist test\r\nMessage-ID: <{id}>\r\nDate: Sat, 21 Nov 2026 09:00:00 +0000\r\n\r\nHello.\r\n");
}
