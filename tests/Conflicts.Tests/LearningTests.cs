using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using MailFilter.AuthClient.Protocol;

namespace MailFilter.Conflicts.Tests;

/// <summary>Whitelist learning (docs/whitelist.md §6) with real servers: b.example's policy says whitelist_learn = verified.</summary>
[Collection(ConflictCollection.Name)]
public sealed class LearningTests(ConflictLab lab)
{
    private const string Fay = "fay@b.example";
    private const string Password = "fay's password";

    [Fact]
    public async Task VerifiedMailTeachesTheRecipientsWhitelistAndALongPollingClientSeesItUnverifiedMailAndRemovalsDoNot()
    {
        await lab.ResetAsync();
        await lab.Receiver.Authd.AddUserAsync(new UserAddRequest { Name = Fay, Password = Password, Kind = "internal", Addresses = [Fay] });
        try
        {
            // A forged message first (a key that is not alice's: mailfilter=fail) teaches nothing.
            var forged = await lab.SendAsync(lab.Forger, Fay, "unverified");
            Assert.True(Delivered.Contains(await lab.WaitForAsync(Fay, forged), "mailfilter=fail"));
            Assert.Equal(0, (await lab.Receiver.Authd.GetWhitelistAsync(Fay)).Version);
            await lab.TimeTravelAsync(Fay, 2); // the next genuine message opens no conflict with it

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{lab.Receiver.PublicPort}"), Timeout = TimeSpan.FromSeconds(90) };
            var wait = http.PostAsJsonAsync(WhitelistRoutes.Wait, new { name = Fay, password = Password, since = 0, timeout = 60 });
            var genuine = await lab.SendAsync(lab.Genuine, Fay, "verified");
            var clock = Stopwatch.StartNew();
            await lab.WaitForAsync(Fay, genuine);
            using var answer = JsonDocument.Parse(await (await wait).Content.ReadAsStringAsync());
            var entry = Assert.Single(answer.RootElement.GetProperty("entries").EnumerateArray());
            Assert.Equal(1, answer.RootElement.GetProperty("version").GetInt64());
            Assert.Equal((ConflictLab.Alice, true), (entry.GetProperty("address").GetString(), entry.GetProperty("learned").GetBoolean()));
            Assert.StartsWith("learned from verified mail delivered to fay@b.example", entry.GetProperty("notes").GetString(), StringComparison.Ordinal);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the long poll answered {clock.Elapsed} after the delivery");

            // Fay removes alice: further verified mail does not put her back.
            await lab.Receiver.Authd.RemoveWhitelistEntriesAsync(Fay, [ConflictLab.Alice]);
            var again = await lab.SendAsync(lab.Genuine, Fay, "verified again");
            await lab.WaitForAsync(Fay, again);
            await WaitForLogAsync("whitelist learning of alice@a.example: user=fay@b.example version=2 removed-by-user");
            var list = await lab.Receiver.Authd.GetWhitelistAsync(Fay);
            Assert.Equal((2, 0), (list.Version, list.Entries.Count));
        }
        finally
        {
            await lab.Receiver.Authd.RemoveUserAsync(Fay);
        }
    }

    private async Task WaitForLogAsync(string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!lab.Receiver.FilterLog.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no \"{text}\" in mailfilterd's log\n{lab.Diagnostics}");
            await Task.Delay(200);
        }
    }

    private static class Delivered
    {
        public static bool Contains(byte[] message, string text) => Lab.TestMessages.Contains(message, text);
    }
}
