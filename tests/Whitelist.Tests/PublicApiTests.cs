using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using MailFilter.AuthClient.Protocol;

namespace MailFilter.Whitelist.Tests;

/// <summary>The user's side (docs/whitelist.md §3) on a real authd's public listener: fetch, changes since a version, long poll, lockouts.</summary>
public sealed class PublicApiTests(WhitelistAuthd authd) : IClassFixture<WhitelistAuthd>
{
    [Fact]
    public async Task TheUserFetchesTheListWithTheRightPasswordAndIsRefusedWithAWrongOne()
    {
        await authd.AddUserAsync("fetch", "right password", "zed@example.net", "example.org");

        using var ok = await authd.PostAsync(WhitelistRoutes.Fetch, new { name = "fetch", password = "right password" }, "192.0.2.10");
        using var wrong = await authd.PostAsync(WhitelistRoutes.Fetch, new { name = "fetch", password = "wrong password" }, "192.0.2.10");
        using var unknown = await authd.PostAsync(WhitelistRoutes.Fetch, new { name = "nobody", password = "right password" }, "192.0.2.10");

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var list = (await ok.Content.ReadFromJsonAsync(WhitelistJson.Default.WhitelistResponse))!;
        Assert.True(list.Complete);
        Assert.Equal(1, list.Version);
        Assert.Equal(["example.org", "zed@example.net"], list.Entries.Select(e => e.Target).Order(StringComparer.Ordinal));
        foreach (var refused in new[] { wrong, unknown })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            var error = (await refused.Content.ReadFromJsonAsync(AuthdJson.Default.ErrorResponse))!;
            Assert.Equal("authentication-failed", error.Error);
            Assert.Equal("authentication failed", error.Message);
        }
    }

    [Fact]
    public async Task ChangesSinceAVersionNameAddedEditedAndRemovedEntries()
    {
        await authd.AddUserAsync("since", "since password", "a@example.net", "b@example.net");
        await authd.Client.AddWhitelistEntriesAsync("since", [new WhitelistEntry { Address = "a@example.net", Name = "Anna" }, new WhitelistEntry { Domain = "example.com" }]);
        await authd.Client.RemoveWhitelistEntriesAsync("since", ["b@example.net"]);

        using var response = await authd.PostAsync(WhitelistRoutes.Fetch, new { name = "since", password = "since password", since = 1 }, "192.0.2.11");
        var changes = (await response.Content.ReadFromJsonAsync(WhitelistJson.Default.WhitelistResponse))!;

        Assert.False(changes.Complete);
        Assert.Equal(3, changes.Version);
        Assert.Equal("Anna", changes.Entries.Single(e => e.Address == "a@example.net").Name);
        Assert.Equal(2, changes.Entries.Single(e => e.Domain == "example.com").Version);
        var removed = changes.Entries.Single(e => e.Address == "b@example.net");
        Assert.True(removed.Removed);
        Assert.Equal(3, removed.Version);
    }

    [Fact]
    public async Task AnAdminChangeReachesAClientWaitingOnTheLongPollInUnderASecond()
    {
        await authd.AddUserAsync("waiter", "waiter password", "first@example.net");
        var wait = authd.PostAsync(WhitelistRoutes.Wait, new { name = "waiter", password = "waiter password", since = 1, timeout = 30 }, "192.0.2.12");
        // Let the poll log in and start waiting (Argon2id takes tens of milliseconds), then change the list.
        await Task.Delay(1500);
        Assert.False(wait.IsCompleted, "the long poll answered before any change");

        var clock = Stopwatch.StartNew();
        await authd.Client.AddWhitelistEntriesAsync("waiter", [new WhitelistEntry { Address = "second@example.net" }]);
        using var response = await wait;
        clock.Stop();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"the change reached the waiting client after {clock.Elapsed.TotalMilliseconds} ms");
        var changes = (await response.Content.ReadFromJsonAsync(WhitelistJson.Default.WhitelistResponse))!;
        Assert.Equal(2, changes.Version);
        Assert.Equal("second@example.net", Assert.Single(changes.Entries).Address);
    }

    [Fact]
    public async Task ALongPollWithoutChangeAnswersAfterItsTimeoutWithTheSameVersionAndNoEntries()
    {
        await authd.AddUserAsync("quiet", "quiet password", "q@example.net");
        var clock = Stopwatch.StartNew();
        using var response = await authd.PostAsync(WhitelistRoutes.Wait, new { name = "quiet", password = "quiet password", since = 1, timeout = 1 }, "192.0.2.13");
        var answer = (await response.Content.ReadFromJsonAsync(WhitelistJson.Default.WhitelistResponse))!;

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
        Assert.Equal(1, answer.Version);
        Assert.Empty(answer.Entries);
    }

    [Fact]
    public async Task BruteForceOnOneNameIsLockedOutEvenForTheRightPasswordUntilTheLockoutEnds()
    {
        await authd.AddUserAsync("victim", "victim password", "v@example.net");
        for (int i = 0; i < 5; i++)
        {
            using var guess = await authd.PostAsync(WhitelistRoutes.Fetch, new { name = "victim", password = $"guess {i}" }, $"198.51.100.{i + 1}");
            Assert.Equal(HttpStatusCode.Unauthorized, guess.StatusCode);
        }

        // The sixth attempt, even with the right password and from a fresh address, is refused without a check.
        using var locked = await authd.PostAsync(WhitelistRoutes.Fetch, new { name = "victim", password = "victim password" }, "198.51.100.99");
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.Equal("authentication failed", (await locked.Content.ReadFromJsonAsync(AuthdJson.Default.ErrorResponse))!.Message);
        Assert.NotNull(locked.Headers.RetryAfter);

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        using var later = await authd.PostAsync(WhitelistRoutes.Fetch, new { name = "victim", password = "victim password" }, "198.51.100.99");
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        Assert.Contains("whitelist login for victim from 198.51.100.99 refused: locked out", authd.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BruteForceFromOneAddressAcrossManyNamesSlowsThatAddressOnly()
    {
        await authd.AddUserAsync("bystander", "bystander password", "b@example.net");
        for (int i = 0; i < 20; i++)
        {
            using var guess = await authd.PostAsync(WhitelistRoutes.Fetch, new { name = $"guess{i}", password = "some password" }, "203.0.113.66");
            Assert.Equal(HttpStatusCode.Unauthorized, guess.StatusCode);
        }

        using var fromAttacker = await authd.PostAsync(WhitelistRoutes.Fetch, new { name = "bystander", password = "bystander password" }, "203.0.113.66");
        using var fromElsewhere = await authd.PostAsync(WhitelistRoutes.Fetch, new { name = "bystander", password = "bystander password" }, "203.0.113.67");

        Assert.Equal(HttpStatusCode.TooManyRequests, fromAttacker.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fromElsewhere.StatusCode);
    }

    [Theory]
    [InlineData("{\"name\": \"badin\", \"password\": \"badin password\", \"since\": 99}", 400, "bad-request")]
    [InlineData("{\"name\": \"badin\", \"password\": \"badin password\", \"since\": -1}", 400, "bad-request")]
    [InlineData("{\"name\": \"badin\"}", 401, "authentication-failed")]
    [InlineData("{\"password\": \"badin password\"}", 401, "authentication-failed")]
    [InlineData("{\"name\": \"BAD NAME!\", \"password\": \"badin password\"}", 401, "authentication-failed")]
    [InlineData("not json", 400, "bad-request")]
    [InlineData("{\"name\": 5}", 400, "bad-request")]
    public async Task BadInputToTheFetchGetsAClearErrorAndChangesNothing(string body, int status, string code)
    {
        if ((await authd.Client.ListUsersAsync("badin")).Count == 0)
        {
            await authd.AddUserAsync("badin", "badin password", "x@example.net");
        }

        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, WhitelistRoutes.Fetch.TrimStart('/')) { Content = content };
        request.Headers.Add("X-Forwarded-For", $"192.0.2.{Math.Abs(body.GetHashCode(StringComparison.Ordinal) % 200) + 20}");
        using var response = await authd.Public.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync(AuthdJson.Default.ErrorResponse))!.Error);
        Assert.Equal(1, (await authd.Client.GetWhitelistAsync("badin")).Version);
    }

    [Theory]
    [InlineData("{\"name\": \"badwait\", \"password\": \"badwait password\"}", "since is required")]
    [InlineData("{\"name\": \"badwait\", \"password\": \"badwait password\", \"since\": 1, \"timeout\": 0}", "timeout must be 1 to 60")]
    [InlineData("{\"name\": \"badwait\", \"password\": \"badwait password\", \"since\": 1, \"timeout\": 61}", "timeout must be 1 to 60")]
    public async Task BadInputToTheLongPollGetsAClearError(string body, string message)
    {
        if ((await authd.Client.ListUsersAsync("badwait")).Count == 0)
        {
            await authd.AddUserAsync("badwait", "badwait password", "x@example.net");
        }

        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await authd.Public.PostAsync(WhitelistRoutes.Wait.TrimStart('/'), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, (await response.Content.ReadFromJsonAsync(AuthdJson.Default.ErrorResponse))!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheUserChangesTheirOwnListOnlyWithTheRightPasswordAndValidEntries()
    {
        await authd.AddUserAsync("self", "self password", "kept@example.net");

        using var add = await authd.PostAsync(WhitelistRoutes.UserAdd, new { name = "self", password = "self password", entries = new[] { new { address = "new@example.net" } } }, "192.0.2.30");
        using var wrong = await authd.PostAsync(WhitelistRoutes.UserAdd, new { name = "self", password = "not it", entries = new[] { new { address = "evil@example.net" } } }, "192.0.2.30");
        using var bad = await authd.PostAsync(WhitelistRoutes.UserAdd, new { name = "self", password = "self password", entries = new[] { new { address = "x@" } } }, "192.0.2.30");
        using var missing = await authd.PostAsync(WhitelistRoutes.UserRemove, new { name = "self", password = "self password", targets = new[] { "kept@example.net", "absent@example.net" } }, "192.0.2.30");
        using var remove = await authd.PostAsync(WhitelistRoutes.UserRemove, new { name = "self", password = "self password", targets = new[] { "kept@example.net" } }, "192.0.2.30");

        Assert.Equal(HttpStatusCode.OK, add.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, remove.StatusCode);
        var list = await authd.Client.GetWhitelistAsync("self");
        Assert.Equal(3, list.Version);
        Assert.Equal("new@example.net", Assert.Single(list.Entries).Address);
    }

    [Fact]
    public async Task ThePageIsServedWithAStrictContentSecurityPolicy()
    {
        using var page = await authd.Public.GetAsync(WhitelistRoutes.Page.TrimStart('/'));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("<script src=\"/whitelist.js\"></script>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThePublicListenerServesNoAdminCall()
    {
        using var response = await authd.Public.GetAsync(WhitelistRoutes.AdminUsers.TrimStart('/'));
        using var check = await authd.PostAsync(WhitelistRoutes.Check, new { sender = "a@example.test", recipient = "b@example.net" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, check.StatusCode);
    }
}
