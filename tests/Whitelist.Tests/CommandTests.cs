using System.Text.Json;

namespace MailFilter.Whitelist.Tests;

/// <summary>mailfilterctl users ... and whitelist ... against a real authd and PostgreSQL.</summary>
public sealed class CommandTests(WhitelistAuthd authd) : IClassFixture<WhitelistAuthd>
{
    [Fact]
    public async Task UsersAddListPasswdRemoveWorkAndListPrintsJson()
    {
        var password = await SecretFileAsync("cli password");
        var add = await authd.RunAsync("users", "add", "carol", "--address", "carol@example.test", "--address", "c@example.test", "--password-file", password);
        var passwd = await authd.RunAsync("users", "passwd", "carol", "--password-file", await SecretFileAsync("another password"));
        var list = await authd.RunAsync("users", "list");
        var json = await authd.RunAsync("users", "list", "--name", "carol", "--json");
        var remove = await authd.RunAsync("users", "remove", "carol");
        var removeAgain = await authd.RunAsync("users", "remove", "carol");

        Assert.Equal((0, 0, 0, 0), (add.Code, passwd.Code, list.Code, remove.Code));
        Assert.Contains("added user carol (internal; sends as c@example.test, carol@example.test)", add.Out, StringComparison.Ordinal);
        Assert.Contains("carol  internal", list.Out, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(json.Out);
        Assert.Equal("carol", doc.RootElement.GetProperty("users")[0].GetProperty("name").GetString());
        Assert.Equal(67, removeAgain.Code);
        Assert.Contains("no user carol", removeAgain.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhitelistAddListRemoveAndCsvExportImportRoundTrip()
    {
        await authd.AddUserAsync("dave", "dave password");
        var add = await authd.RunAsync("whitelist", "add", "dave", "zed@example.net", "--name", "Zed, the \"Z\"", "--notes", "two\nlines");
        var addDomain = await authd.RunAsync("whitelist", "add", "dave", "example.org", "--json");
        var export = await authd.RunAsync("whitelist", "export", "dave");
        var remove = await authd.RunAsync("whitelist", "remove", "dave", "zed@example.net", "example.org");
        var csv = Path.Combine(authd.Directory, "dave.csv");
        await File.WriteAllTextAsync(csv, export.Out);
        var import = await authd.RunAsync("whitelist", "import", "dave", csv);
        var list = await authd.RunAsync("whitelist", "list", "dave", "--json");
        var text = await authd.RunAsync("whitelist", "list", "dave");

        Assert.Equal((0, 0, 0, 0, 0), (add.Code, addDomain.Code, export.Code, remove.Code, import.Code));
        Assert.Contains("1 added, 0 updated, 0 removed; version 1", add.Out, StringComparison.Ordinal);
        Assert.Equal(2, JsonDocument.Parse(addDomain.Out).RootElement.GetProperty("version").GetInt64());
        Assert.StartsWith("address,name,nickname,notes\r\n", export.Out, StringComparison.Ordinal);
        Assert.Contains("2 removed; version 3", remove.Out, StringComparison.Ordinal);
        Assert.Contains("2 added, 0 updated, 0 removed; version 4", import.Out, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(list.Out);
        var zed = doc.RootElement.GetProperty("entries").EnumerateArray().Single(e => e.TryGetProperty("address", out _));
        Assert.Equal("Zed, the \"Z\"", zed.GetProperty("name").GetString());
        Assert.Equal("two\nlines", zed.GetProperty("notes").GetString());
        Assert.Contains("whitelist of dave, version 4, 2 entries", text.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name,address\r\nzed@example.net\r\n", "line 1: the first line must be the header")]
    [InlineData("address,name,nickname,notes\r\n\"zed@example.net,Zed\r\n", "a quoted field is not closed")]
    [InlineData("address,name,nickname,notes\r\nzed@example.net,Z\"ed\r\n", "line 2: a quote inside an unquoted field")]
    [InlineData("address,name,nickname,notes\r\nzed@example.net,a,b,c,d\r\n", "line 2: 5 fields, at most 4")]
    [InlineData("address,name,nickname,notes\r\n,Zed\r\n", "line 2: the address column is empty")]
    [InlineData("", "the file is empty")]
    public async Task AMalformedCsvIsRefusedWithItsLineAndImportsNothing(string csv, string message)
    {
        if ((await authd.Client.ListUsersAsync("erin")).Count == 0)
        {
            await authd.AddUserAsync("erin", "erin password", "kept@example.net");
        }

        var path = Path.Combine(authd.Directory, $"bad-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, csv);
        var import = await authd.RunAsync("whitelist", "import", "erin", path);

        Assert.Equal(65, import.Code);
        Assert.Contains(message, import.Err, StringComparison.Ordinal);
        Assert.Contains("nothing was imported", import.Err, StringComparison.Ordinal);
        Assert.Equal(1, (await authd.Client.GetWhitelistAsync("erin")).Version);
    }

    [Fact]
    public async Task BadInputToEveryCommandGetsAClearErrorAndChangesNothing()
    {
        await authd.AddUserAsync("frank", "frank password", "kept@example.net");
        var missing = Path.Combine(authd.Directory, "missing.csv");
        var badCsvEntry = Path.Combine(authd.Directory, "frank.csv");
        await File.WriteAllTextAsync(badCsvEntry, "address,name,nickname,notes\r\nok@example.net\r\nnot-a-domain\r\n");
        var results = new[]
        {
            (await authd.RunAsync("users", "add", "frank", "--password-file", await SecretFileAsync("another password")), 73, "exists already"),
            (await authd.RunAsync("users", "add", "gina", "--password-file", await SecretFileAsync("short")), 65, "password must be 8 to 1024 bytes"),
            (await authd.RunAsync("users", "add", "gina", "--kind", "robot", "--password-file", await SecretFileAsync("long enough")), 64, "robot"),
            (await authd.RunAsync("users", "add", "gina", "--password-file", missing), 64, "missing.csv"),
            (await authd.RunAsync("users", "passwd", "nosuch", "--password-file", await SecretFileAsync("long enough")), 67, "no user nosuch"),
            (await authd.RunAsync("whitelist", "add", "frank", "bad@"), 65, "is not a mail address"),
            (await authd.RunAsync("whitelist", "add", "nosuch", "a@example.net"), 67, "no user nosuch"),
            (await authd.RunAsync("whitelist", "remove", "frank", "other@example.net"), 67, "nothing was removed"),
            (await authd.RunAsync("whitelist", "import", "frank", missing), 66, "cannot read"),
            (await authd.RunAsync("whitelist", "import", "frank", badCsvEntry), 65, "entries[1].domain"),
            (await authd.RunAsync("whitelist", "list", "no such"), 65, "user must be 1 to 64 characters"),
            (await authd.RunAsync("whitelist", "export", "frank", "--output", badCsvEntry), 73, "cannot create"),
        };

        Assert.All(results, r =>
        {
            Assert.True(r.Item2 == r.Item1.Code, $"exit {r.Item1.Code}, expected {r.Item2}: {r.Item1.Err}");
            Assert.Contains(r.Item3, r.Item1.Err, StringComparison.Ordinal);
        });
        Assert.Equal(1, (await authd.Client.GetWhitelistAsync("frank")).Version);
        Assert.Empty(await authd.Client.ListUsersAsync("gina"));
    }

    [Fact]
    public async Task EveryCommandHasHelp()
    {
        foreach (var args in new[] { new[] { "users", "--help" }, ["users", "add", "--help"], ["whitelist", "--help"], ["whitelist", "import", "--help"] })
        {
            var help = await authd.RunAsync(args);
            Assert.Equal(0, help.Code);
            Assert.Contains("Usage:", help.Out, StringComparison.Ordinal);
        }
    }

    private async Task<string> SecretFileAsync(string secret)
    {
        var path = Path.Combine(authd.Directory, $"secret-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(path, secret + "\n");
        return path;
    }
}
