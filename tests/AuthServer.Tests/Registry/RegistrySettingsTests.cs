using MailFilter.AuthServer.Configuration;
using MailFilter.Lab;
using Microsoft.Extensions.Configuration;

namespace MailFilter.AuthServer.Tests.Registry;

/// <summary>[registry] (docs/registry.md §7): every key read, every bad value named with its section and key.</summary>
public sealed class RegistrySettingsTests
{
    [Fact]
    public void TheDefaultsAreThoseOfTheSpec()
    {
        var r = Load("", out var errors).Registry;
        Assert.Empty(errors);
        Assert.Equal("http://127.0.0.1:8893", r.PublicUrl);
        Assert.Equal(("127.0.0.1", 25), (r.SmtpHost, r.SmtpPort));
        Assert.Equal(TimeSpan.FromHours(24), r.TokenTtl);
        Assert.Equal(TimeSpan.FromDays(90), r.ReminderInterval);
        Assert.Equal(TimeSpan.FromDays(400), r.Retention);
        Assert.Equal((5d, 20), (r.QueryRate, r.QueryBurst));
    }

    [Fact]
    public void EveryKeyIsRead()
    {
        var r = Load("""
            [registry]
            public_url = https://mail.example.org/
            smtp = inet:[::1]:2525
            mail_from = Registry@Example.ORG
            token_ttl = 2h
            manage_token_ttl = 7d
            resend_interval = 0
            reminder_interval = 30d
            reminder_check = 0
            retention = 100d
            cleanup_interval = 10m
            query_rate = 0.5
            query_burst = 3
            """, out var errors).Registry;
        Assert.Empty(errors);
        Assert.Equal("https://mail.example.org", r.PublicUrl);
        Assert.Equal(("::1", 2525), (r.SmtpHost, r.SmtpPort));
        Assert.Equal("Registry@example.org", r.MailFrom);
        Assert.Equal((TimeSpan.FromHours(2), TimeSpan.FromDays(7), TimeSpan.Zero), (r.TokenTtl, r.ManageTokenTtl, r.ResendInterval));
        Assert.Equal((TimeSpan.FromDays(30), TimeSpan.Zero, TimeSpan.FromDays(100), TimeSpan.FromMinutes(10)), (r.ReminderInterval, r.ReminderCheck, r.Retention, r.CleanupInterval));
        Assert.Equal((0.5, 3), (r.QueryRate, r.QueryBurst));
    }

    [Theory]
    [InlineData("public_url = ftp://x", "[registry] public_url = ftp://x: not an http:// or https:// URL without a query")]
    [InlineData("public_url = https://x/?a=b", "[registry] public_url = https://x/?a=b: not an http:// or https:// URL without a query")]
    [InlineData("smtp = 127.0.0.1:25", "[registry] smtp = 127.0.0.1:25: use inet:HOST:PORT, e.g. inet:127.0.0.1:25")]
    [InlineData("smtp = inet:127.0.0.1:0", "[registry] smtp = inet:127.0.0.1:0: use inet:HOST:PORT, e.g. inet:127.0.0.1:25")]
    [InlineData("mail_from = nobody", "[registry] mail_from = nobody: not a mailbox address")]
    [InlineData("token_ttl = 0", "[registry] token_ttl = 0: not a duration (e.g. 500ms, 10s, 5m, 1h)")]
    [InlineData("retention = forever", "[registry] retention = forever: not a duration (e.g. 500ms, 10s, 5m, 1h)")]
    [InlineData("query_rate = -1", "[registry] query_rate = -1: not a number of requests per second from 0 (no limit) to 1000000")]
    [InlineData("query_burst = 0", "[registry] query_burst = 0: not a number from 1 to 1000000")]
    [InlineData("typo = 1", "[registry] typo: unknown setting")]
    public void ABadValueIsNamedWithItsSectionAndKey(string line, string error)
    {
        Load("[registry]\n" + line + "\n", out var errors);
        Assert.Equal([error], errors);
    }

    private static AuthSettings Load(string ini, out List<string> errors)
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, ini);
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
