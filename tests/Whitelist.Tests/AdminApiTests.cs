using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;

namespace MailFilter.Whitelist.Tests;

/// <summary>The admin calls on a real authd's socket (docs/whitelist.md §2) and the service check (§4).</summary>
public sealed class AdminApiTests(WhitelistAuthd authd) : IClassFixture<WhitelistAuthd>
{
    [Fact]
    public async Task AddingAndEditingEntriesGrowsTheVersionAndTheListShowsTheLatestTexts()
    {
        var user = await authd.AddUserAsync("grow", "grow password");
        var first = await authd.Client.AddWhitelistEntriesAsync("grow", [new WhitelistEntry { Address = "Zed@Example.NET", Name = "Zed", Nickname = "z", Notes = "met at FOSDEM" }]);
        var edit = await authd.Client.AddWhitelistEntriesAsync("grow", [new WhitelistEntry { Address = "Zed@example.net", Name = "Zed Z." }, new WhitelistEntry { Domain = "Example.ORG" }]);
        var list = await authd.Client.GetWhitelistAsync("grow");

        Assert.Equal(0, user.WhitelistVersion);
        Assert.Equal((1, 1, 0), (first.Version, first.Added, first.Updated));
        Assert.Equal((2, 1, 1), (edit.Version, edit.Added, edit.Updated));
        Assert.Equal(2, list.Version);
        var zed = list.Entries.Single(e => e.Address == "Zed@example.net");
        Assert.Equal("Zed Z.", zed.Name);
        Assert.Null(zed.Notes);
        Assert.Contains(list.Entries, e => e.Domain == "example.org");
    }

    [Fact]
    public async Task CheckAnswersListedForAnAddressOrItsDomainAndNoUserForAStranger()
    {
        await authd.AddUserAsync("chk", "check password", "zed@example.net", "example.org");

        var byAddress = await authd.Client.CheckWhitelistAsync("chk@example.test", "zed@example.net");
        var byDomain = await authd.Client.CheckWhitelistAsync("chk@example.test", "anyone@example.org");
        var subdomain = await authd.Client.CheckWhitelistAsync("chk@example.test", "anyone@sub.example.org");
        var otherLocalPart = await authd.Client.CheckWhitelistAsync("chk@example.test", "ZED@example.net");
        var stranger = await authd.Client.CheckWhitelistAsync("nobody@example.test", "zed@example.net");

        Assert.True(byAddress.Listed);
        Assert.Equal(("chk", 1L), (byAddress.User, byAddress.Version));
        Assert.True(byDomain.Listed);
        Assert.False(subdomain.Listed);
        Assert.False(otherLocalPart.Listed);
        Assert.Null(stranger.User);
        Assert.False(stranger.Listed);
    }

    [Fact]
    public async Task RemovingATargetNotOnTheListRemovesNothing()
    {
        await authd.AddUserAsync("rm", "remove password", "a@example.net", "b@example.net");

        var e = await Assert.ThrowsAsync<AuthdRequestException>(() => authd.Client.RemoveWhitelistEntriesAsync("rm", ["a@example.net", "c@example.net"]));
        var list = await authd.Client.GetWhitelistAsync("rm");

        Assert.Equal(404, e.StatusCode);
        Assert.Contains("c@example.net", e.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was removed", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, list.Version);
        Assert.Equal(2, list.Entries.Count);
    }

    [Fact]
    public async Task PasswdChangesTheLoginAndRemoveTakesTheUserWithItsListAndAddresses()
    {
        await authd.AddUserAsync("gone", "old password", "g@example.net");
        await authd.Client.SetPasswordAsync("gone", "new password");
        using var oldLogin = await authd.PostAsync(WhitelistRoutes.Fetch, new { name = "gone", password = "old password" }, "192.0.2.201");
        using var newLogin = await authd.PostAsync(WhitelistRoutes.Fetch, new { name = "gone", password = "new password" }, "192.0.2.201");

        var removed = await authd.Client.RemoveUserAsync("gone");
        var check = await authd.Client.CheckWhitelistAsync("gone@example.test", "g@example.net");
        var again = await authd.Client.AddUserAsync(new UserAddRequest { Name = "other", Password = "other password", Addresses = ["gone@example.test"] });

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, oldLogin.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, newLogin.StatusCode);
        Assert.Equal(1, removed.Entries);
        Assert.Null(check.User);
        Assert.Equal(["gone@example.test"], again.Addresses);
    }

    public static TheoryData<string, string> BadAdminCalls => new()
    {
        { "add user: short password", "password must be 8 to 1024 bytes" },
        { "add user: bad name", "name must be 1 to 64 characters" },
        { "add user: bad kind", "kind must be internal or external" },
        { "add user: bad address", "is not a mail address" },
        { "add user: address twice", "an address is given twice" },
        { "add user: exists", "exists already" },
        { "add user: address taken", "already belongs to user bad" },
        { "add entries: none", "give at least one entry" },
        { "add entries: both address and domain", "give exactly one of address and domain" },
        { "add entries: bad domain", "is not a domain name" },
        { "add entries: twice", "is given twice" },
        { "add entries: long notes", "at most 2000 characters" },
        { "add entries: control character", "control characters are not allowed" },
        { "add entries: unknown user", "no user nosuch" },
        { "add entries: one bad among good", "entries[1].address" },
        { "remove: none", "give at least one address or domain" },
        { "passwd: unknown user", "no user nosuch" },
        { "remove user: unknown", "no user nosuch" },
        { "list: bad user name", "user must be 1 to 64 characters" },
    };

    [Theory]
    [MemberData(nameof(BadAdminCalls))]
    public async Task BadInputToEveryAdminCallGetsAClearErrorAndChangesNothing(string call, string message)
    {
        if ((await authd.Client.ListUsersAsync("bad")).Count == 0)
        {
            await authd.AddUserAsync("bad", "bad password", "kept@example.net");
        }

        var before = await authd.Client.ListUsersAsync();
        var c = authd.Client;
        var e = await Assert.ThrowsAsync<AuthdRequestException>(() => call switch
        {
            "add user: short password" => c.AddUserAsync(new UserAddRequest { Name = "new1", Password = "short" }),
            "add user: bad name" => c.AddUserAsync(new UserAddRequest { Name = "has space", Password = "long enough" }),
            "add user: bad kind" => c.AddUserAsync(new UserAddRequest { Name = "new2", Password = "long enough", Kind = "robot" }),
            "add user: bad address" => c.AddUserAsync(new UserAddRequest { Name = "new3", Password = "long enough", Addresses = ["no-at-sign"] }),
            "add user: address twice" => c.AddUserAsync(new UserAddRequest { Name = "new4", Password = "long enough", Addresses = ["d@example.test", "d@EXAMPLE.test"] }),
            "add user: exists" => c.AddUserAsync(new UserAddRequest { Name = "BAD", Password = "long enough" }),
            "add user: address taken" => c.AddUserAsync(new UserAddRequest { Name = "new5", Password = "long enough", Addresses = ["bad@example.test"] }),
            "add entries: none" => c.AddWhitelistEntriesAsync("bad", []),
            "add entries: both address and domain" => c.AddWhitelistEntriesAsync("bad", [new WhitelistEntry { Address = "a@example.net", Domain = "example.net" }]),
            "add entries: bad domain" => c.AddWhitelistEntriesAsync("bad", [new WhitelistEntry { Domain = "localhost" }]),
            "add entries: twice" => c.AddWhitelistEntriesAsync("bad", [WhitelistAuthd.Entry("a@example.net"), WhitelistAuthd.Entry("a@EXAMPLE.net")]),
            "add entries: long notes" => c.AddWhitelistEntriesAsync("bad", [new WhitelistEntry { Address = "a@example.net", Notes = new string('n', 2001) }]),
            "add entries: control character" => c.AddWhitelistEntriesAsync("bad", [new WhitelistEntry { Address = "a@example.net", Name = "a\u0001b" }]),
            "add entries: unknown user" => c.AddWhitelistEntriesAsync("nosuch", [WhitelistAuthd.Entry("a@example.net")]),
            "add entries: one bad among good" => c.AddWhitelistEntriesAsync("bad", [WhitelistAuthd.Entry("good@example.net"), new WhitelistEntry { Address = "bad@" }]),
            "remove: none" => c.RemoveWhitelistEntriesAsync("bad", []),
            "passwd: unknown user" => c.SetPasswordAsync("nosuch", "long enough"),
            "remove user: unknown" => c.RemoveUserAsync("nosuch"),
            "list: bad user name" => c.GetWhitelistAsync("no such user"),
            _ => throw new ArgumentException(call),
        });

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.InRange(e.StatusCode ?? 0, 400, 499);
        var after = await authd.Client.ListUsersAsync();
        Assert.Equal(before.Select(u => (u.Name, u.WhitelistVersion, u.Entries)), after.Select(u => (u.Name, u.WhitelistVersion, u.Entries)));
    }
}
