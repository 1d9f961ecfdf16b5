using System.Globalization;
using System.Text.Json;
using MailFilter.Lab;

namespace MailFilter.Conflicts.Tests;

/// <summary>
/// docs/conflicts.md with real servers: alice's genuine server and a forger both sign as alice@a.example, with different
/// keys, to one recipient at b.example. Each test starts with b.example's observations, conflicts and blacklist empty.
/// </summary>
[Collection(ConflictCollection.Name)]
public sealed class ConflictTests(ConflictLab lab)
{
    [Fact]
    public async Task TheHostWithHistoryIsReleasedTheForgerIsBlacklistedAndNoGenuineMailIsLost()
    {
        await lab.ResetAsync();
        const string bob = "bob@b.example";
        var genuine = new List<string> { await lab.SendAsync(lab.Genuine, bob, "genuine 1") };
        await lab.WaitForAsync(bob, genuine[0]);
        // That session was two hours ago: the genuine host has history with bob, outside the window.
        await lab.TimeTravelAsync(bob, 2);

        genuine.Add(await lab.SendAsync(lab.Genuine, bob, "genuine 2"));
        await lab.WaitForAsync(bob, genuine[1]);
        // Within the window, the forger's key for the same identity and recipient: a conflict, decided at once by history.
        var forged = await lab.SendAsync(lab.Forger, bob, "forged 1");
        var refusal = await lab.WaitForLogAsync(60, "status=bounced", "<bob@b.example> refused: forged signature of alice@a.example");
        Assert.Contains("550 5.7.1", refusal, StringComparison.Ordinal);

        for (int i = 3; i <= 5; i++)
        {
            genuine.Add(await lab.SendAsync(lab.Genuine, bob, $"genuine {i}"));
        }

        var forgedAgain = await lab.SendAsync(lab.Forger, bob, "forged 2");
        foreach (var id in genuine)
        {
            await lab.WaitForAsync(bob, id);
        }

        await lab.WaitForLogAsync(60, "status=bounced", "sending host 127.0.0.3 is blacklisted");

        // Every genuine message arrived exactly once; no forged one did.
        Assert.All(genuine, id => Assert.Single(lab.Delivered(bob, id)));
        Assert.Empty(lab.Delivered(bob, forged));
        Assert.Empty(lab.Delivered(bob, forgedAgain));

        var list = await lab.CtlAsync("conflicts", "list", "--state", "all", "--json");
        Assert.Equal(0, list.Code);
        var conflict = Assert.Single(JsonDocument.Parse(list.Out).RootElement.GetProperty("conflicts").EnumerateArray());
        Assert.Equal(("resolved", "history"), (conflict.GetProperty("state").GetString(), conflict.GetProperty("decision").GetString()));
        Assert.Equal([ConflictLab.ForgerHost], conflict.GetProperty("forgerSources").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([ConflictLab.GenuineHost], conflict.GetProperty("genuineSources").EnumerateArray().Select(e => e.GetString()));
        var sources = conflict.GetProperty("sources").EnumerateArray().ToList();
        Assert.Contains(sources, s => s.GetProperty("address").GetString() == ConflictLab.ForgerHost && s.GetProperty("helo").GetString() == "mx.forger.test"
            && !s.GetProperty("history").GetBoolean());
        Assert.Contains(sources, s => s.GetProperty("address").GetString() == ConflictLab.GenuineHost && s.GetProperty("helo").GetString() == "mx.a.example"
            && s.GetProperty("history").GetBoolean());
        var blacklist = await lab.CtlAsync("blacklist", "list", "--json");
        var entries = JsonDocument.Parse(blacklist.Out).RootElement.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        Assert.Contains(entries, e => e.TryGetProperty("address", out var a) && a.GetString() == ConflictLab.ForgerHost);
        Assert.Contains(entries, e => e.TryGetProperty("kid", out var k) && k.GetString() == conflict.GetProperty("forgerKids")[0].GetString());

        // The recipient and the admin are told.
        var notice = await WaitForNoticeAsync(bob, "Mail in the name of alice@a.example from two senders");
        Assert.True(TestMessages.Contains(notice, "127.0.0.3"), "the notice names the forger's host");
        Assert.True(TestMessages.Contains(notice, "mailfilter=pass"), "the notice is signed mail of b.example");

        // Counted for the admin's monitoring: the conflict, decided at once, and the forged claims refused.
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync("http://127.0.0.1:" + lab.ReceiverMetricsPort.ToString(CultureInfo.InvariantCulture) + "/metrics");
        Assert.Contains("mailfilter_authd_conflicts_total{state=\"resolved\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("mailfilter_authd_observations_total{action=\"refuse\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("mailfilter_authd_observations_total{action=\"deliver\"}", metrics, StringComparison.Ordinal);
        await WaitForNoticeAsync("postmaster@b.example", "Signature conflict 1 for alice@a.example resolved (history)");
    }

    [Fact]
    public async Task AnUndecidableConflictHoldsThePairsMailUntilTheAdminDecidesThenTheHeldMailArrives()
    {
        await lab.ResetAsync();
        const string carol = "carol@b.example";
        var genuine = new List<string> { await lab.SendAsync(lab.Genuine, carol, "genuine first") };
        await lab.WaitForAsync(carol, genuine[0]);
        // Neither host has a session with carol before the window: the history check cannot decide.
        var forged = await lab.SendAsync(lab.Forger, carol, "forged");
        await lab.WaitForLogAsync(60, "status=deferred", "<carol@b.example> signatures of alice@a.example in conflict (conflict 1)");
        for (int i = 2; i <= 3; i++)
        {
            genuine.Add(await lab.SendAsync(lab.Genuine, carol, $"genuine {i}"));
        }

        // Held: 451 at delivery, kept in b.example's queue.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (lab.Receiver.Postfix.Maillog.Split('\n').Count(l => l.Contains("status=deferred", StringComparison.Ordinal) && l.Contains("in conflict (conflict 1)", StringComparison.Ordinal)) < 3)
        {
            Assert.True(DateTime.UtcNow < deadline, "the genuine mail was not held\n" + lab.Diagnostics);
            await Task.Delay(300);
        }

        Assert.Single(lab.Delivered(carol, genuine[0]));
        Assert.Empty(lab.Delivered(carol, genuine[1]));
        var blocked = await lab.CtlAsync("conflicts", "list");
        Assert.Contains("blocked", blocked.Out, StringComparison.Ordinal);
        var show = await lab.CtlAsync("conflicts", "show", "1");
        Assert.Contains("no sending host has earlier sessions", show.Out, StringComparison.Ordinal);
        Assert.Contains("conflicts resolve 1 --genuine HOST", show.Out, StringComparison.Ordinal);

        var resolve = await lab.CtlAsync("conflicts", "resolve", "1", "--genuine", ConflictLab.GenuineHost);
        Assert.Equal(0, resolve.Code);
        Assert.Contains("forger     127.0.0.3", resolve.Out, StringComparison.Ordinal);

        // The queue's retry delivers every held genuine message; the forged one is refused.
        foreach (var id in genuine)
        {
            await lab.WaitForAsync(carol, id);
        }

        await lab.WaitForLogAsync(60, "status=bounced", "<carol@b.example> refused: sending host 127.0.0.3 is blacklisted");
        Assert.All(genuine, id => Assert.Single(lab.Delivered(carol, id)));
        Assert.Empty(lab.Delivered(carol, forged));
        await WaitForNoticeAsync(carol, "(conflict 1)");
    }

    [Fact]
    public async Task TheSameTwoKeysOutsideTheWindowOrASignedRotationOpenNoConflict()
    {
        await lab.ResetAsync();
        const string dave = "dave@b.example";
        var first = await lab.SendAsync(lab.Genuine, dave, "genuine, long ago");
        await lab.WaitForAsync(dave, first);
        await lab.TimeTravelAsync(dave, 2);
        // The forger's key now, the genuine one two hours ago: outside the window, no conflict. The forged message is
        // delivered with the verifier's fail (its key is not alice's), as any unverifiable signature is.
        var forged = await lab.SendAsync(lab.Forger, dave, "other key, later");
        var delivered = await lab.WaitForAsync(dave, forged);
        Assert.True(TestMessages.Contains(delivered, "mailfilter=fail"), "the forged message is not marked as failing");

        // A rotation announced by a.example (signed by the old key): alice's old and new keys within the window.
        const string erin = "erin@b.example";
        var before = await lab.SendAsync(lab.Genuine, erin, "before the rotation");
        await lab.WaitForAsync(erin, before);
        await lab.Genuine.Authd.RotateAsync(ConflictLab.Alice, AuthClient.Protocol.KeyUse.Sign);
        var after = await lab.SendAsync(lab.Genuine, erin, "after the rotation");
        var rotated = await lab.WaitForAsync(erin, after);
        Assert.True(TestMessages.Contains(rotated, "mailfilter=pass"), "the message signed with the new key does not verify\n" + lab.Diagnostics);

        var list = await lab.CtlAsync("conflicts", "list", "--state", "all", "--json");
        Assert.Empty(JsonDocument.Parse(list.Out).RootElement.GetProperty("conflicts").EnumerateArray());
        Assert.Equal("the blacklist is empty", (await lab.CtlAsync("blacklist", "list")).Out.Trim());
        // Two kids of alice were observed for erin within the window, and the announcement linked them.
        var kids = await lab.Receiver.Postgres.PsqlAsync("mailfilter", "SELECT count(DISTINCT kid) FROM observations WHERE recipient = 'erin@b.example' AND kind = 'delivery'");
        Assert.Contains("2", kids.Stdout, StringComparison.Ordinal);
        // The discovery answer that brought the new key was observed too: both of alice's signing keys, from a.example's server.
        var discovered = await lab.Receiver.Postgres.PsqlAsync("mailfilter",
            $"SELECT 'discovered=' || count(DISTINCT kid) FROM observations WHERE kind = 'discovery' AND identity = '{ConflictLab.Alice}' AND source LIKE 'http://127.0.0.1:%'");
        Assert.Contains("discovered=2", discovered.Stdout, StringComparison.Ordinal);
    }

    private async Task<byte[]> WaitForNoticeAsync(string address, string subject)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var notice = lab.Receiver.MaildirMessages(address).FirstOrDefault(m => TestMessages.Contains(m, "Auto-Submitted: auto-generated") && TestMessages.Contains(m, subject));
            if (notice is not null)
            {
                return notice;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no notice \"{subject}\" for {address}\n{lab.Diagnostics}");
            await lab.Receiver.Postfix.FlushAsync();
            await Task.Delay(500);
        }
    }
}
