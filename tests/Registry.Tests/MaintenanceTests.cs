using MailFilter.Registry.Tests.Support;

namespace MailFilter.Registry.Tests;

/// <summary>authd's own periodic work: reminders (docs/registry.md §6.5) and the retention of registrations (§2).</summary>
public sealed class MaintenanceTests(RegistryLab lab) : IClassFixture<RegistryLab>
{
    [Fact]
    public async Task AConfirmedAddressIsRemindedPeriodicallyWithAManageLink()
    {
        const string address = "nina@example.test";
        Assert.Equal(0, (await lab.CtlAsync("addresses", "register", address, "--name", "Nina")).Code);
        Assert.Equal(0, (await lab.CtlAsync("addresses", "confirm", address)).Code);
        await lab.WaitForMailAsync(address, 2); // confirmation, success

        // A second authd on the same database with short intervals does the periodic work.
        int port = (await lab.StartAuthdAsync("reminder_interval = 2s\nreminder_check = 1s")).PublicPort;
        var mails = await lab.WaitForMailAsync(address, 3);
        var reminder = mails.Single(m => m.Contains("Subject: Your registration of nina@example.test", StringComparison.Ordinal));
        Assert.Contains("name        Nina", reminder, StringComparison.Ordinal);
        Assert.Matches($@"http://127\.0\.0\.1:{port}/registry/manage\?token=[A-Za-z0-9_-]{{43}}", reminder); // that authd's public_url
        Assert.Equal(1, await lab.CountAsync("SELECT count(*) FROM addresses WHERE address = 'nina@example.test' AND last_reminder_at IS NOT NULL"));
        Assert.Equal(1, await lab.CountAsync("SELECT count(*) FROM audit_log WHERE action = 'address.remind' AND actor = 'authd' AND address = 'nina@example.test'"));
    }

    [Fact]
    public async Task ExpiredRegistrationsAreNotAnsweredAndAreDeleted()
    {
        (await lab.SqlAsync("""
            INSERT INTO registrations (confirmation_no, sender, recipients, message_date, signature, registered_at, expires_at) VALUES
            ('2026112109old@example.test0000000000000001', 'old@example.test', ARRAY['bob@example.test'], '2026-11-21 09:52:01+00', repeat('ab', 64), now() - interval '2 days', now() - interval '1 day'),
            ('2026112109old@example.test0000000000000002', 'old@example.test', ARRAY['bob@example.test'], '2026-11-21 09:52:01+00', repeat('ab', 64), now(), now() + interval '1 day')
            """)).EnsureSuccess("insert registrations");
        using var http = new HttpClient();
        string Query(string n) => lab.PublicUrl + "/.well-known/mailfilter/v1/registry/verify?sender=old%40example.test&recipient=bob%40example.test&date=2026-11-21T09%3A52%3A01Z"
            + "&confirmationNo=2026112109old%40example.test000000000000000" + n + "&signature=" + string.Concat(Enumerable.Repeat("ab", 64));
        Assert.Equal("{\"result\":\"not-registered\"}", await http.GetStringAsync(Query("1")));
        Assert.StartsWith("{\"result\":\"match\"", await http.GetStringAsync(Query("2")), StringComparison.Ordinal);

        await lab.StartAuthdAsync("cleanup_interval = 1s\nreminder_check = 0");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await lab.CountAsync("SELECT count(*) FROM registrations WHERE sender = 'old@example.test'") != 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "the expired registration was not deleted");
            await Task.Delay(200);
        }

        Assert.Equal(1, await lab.CountAsync("SELECT count(*) FROM registrations WHERE confirmation_no = '2026112109old@example.test0000000000000002'"));
    }
}
