using MailFilter.AuthServer.Configuration;
using MailFilter.Lab;
using Microsoft.Extensions.Configuration;

namespace MailFilter.AuthServer.Tests.Conflicts;

/// <summary>[conflicts] (docs/conflicts.md §7): defaults, every key read, every bad value named with its section and key.</summary>
public sealed class ConflictSettingsTests
{
    [Fact]
    public void TheDefaultsAreThoseOfTheSpec()
    {
        var c = Load("", out var errors).Conflicts;
        Assert.Empty(errors);
        Assert.Equal((TimeSpan.FromMinutes(10), TimeSpan.FromDays(1), TimeSpan.FromDays(400)), (c.Window, c.Retention, c.HistoryRetention));
        Assert.Equal(((string?)null, (string?)null), (c.Admin, c.NoticeFrom));
    }

    [Fact]
    public void EveryKeyIsRead()
    {
        var c = Load("[conflicts]\nwindow = 60m\nretention = 2h\nhistory_retention = 30d\ncleanup_interval = 1m\nadmin = Postmaster@Example.ORG\nnotice_from = mf@example.org\n",
            out var errors).Conflicts;
        Assert.Empty(errors);
        Assert.Equal((TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromDays(30), TimeSpan.FromMinutes(1)), (c.Window, c.Retention, c.HistoryRetention, c.CleanupInterval));
        Assert.Equal(("Postmaster@example.org", "mf@example.org"), (c.Admin, c.NoticeFrom));
    }

    [Theory]
    [InlineData("window = 30s", "[conflicts] window = 30s: must be 1m to 60m")]
    [InlineData("window = 61m", "[conflicts] window = 61m: must be 1m to 60m")]
    [InlineData("window = soon", "[conflicts] window = soon: not a duration (e.g. 500ms, 10s, 5m, 1h)")]
    [InlineData("window = 20m\nretention = 10m", "[conflicts] retention = 10m: must be at least the window")]
    [InlineData("admin = nobody", "[conflicts] admin = nobody: not a mailbox address")]
    [InlineData("notice_from = a@", "[conflicts] notice_from = a@: not a mailbox address")]
    [InlineData("colour = blue", "[conflicts] colour: unknown setting")]
    public void BadValuesAreNamed(string lines, string error)
    {
        Load("[conflicts]\n" + lines + "\n", out var errors);
        Assert.Contains(error, errors);
    }

    private static AuthSettings Load(string ini, out List<string> errors)
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, "[authd]\nlocal_domains = example.org\n" + ini);
        try
        {
            var accounts = new UnixAccounts(Write("root:x:0:0::/root:/bin/sh\n"), Write("root:x:0:\nmailfilter:x:130:\n"));
            return AuthSettings.Load(new ConfigurationBuilder().AddIniFile(path).Build(), out errors, accounts);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Write(string text) => TempFiles.Write(text);
}
