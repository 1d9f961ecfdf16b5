using MailFilter.Lab;
using MailFilter.Registry.Tests.Support;

namespace MailFilter.Registry.Tests;

/// <summary>
/// docs/registry.md §6 end to end: the owner registers on the page, the confirmation mail arrives through the real
/// Postfix in the address's Maildir, Chromium opens its link and confirms, the success mail arrives; a used or expired
/// link is refused; the code works once; the reminder's manage link updates and unbinds.
/// </summary>
public sealed class AddressRegistrationTests(RegistryLab lab) : IClassFixture<RegistryLab>, IDisposable
{
    private readonly Chromium _browser = new();

    [Fact]
    public async Task TheOwnerRegistersOnThePageAndConfirmsWithTheMailedLinkInChromium()
    {
        const string address = "alice@example.test";
        _browser.Open(lab.PublicUrl + "/registry/addresses");
        _browser.Type("address", address);
        _browser.Type("company", "Example Ltd");
        _browser.Type("name", "Alice Liddell");
        _browser.Click("submit");
        Assert.Contains("a mail with a code and a link is on its way", _browser.Text("result"), StringComparison.Ordinal);

        var mails = await lab.WaitForMailAsync(address, 1);
        Assert.Contains("Subject: Confirm the registration of alice@example.test", mails[0], StringComparison.Ordinal);
        var link = lab.LinkIn(mails[0], "/registry/confirm");
        Assert.Equal("pending", await StateAsync(address));

        // Opening the link only shows; the button confirms.
        _browser.Open(link);
        Assert.Equal(address, _browser.Text("address"));
        Assert.Contains("Alice Liddell, Example Ltd", _browser.PageText, StringComparison.Ordinal);
        Assert.Equal("pending", await StateAsync(address));
        _browser.Click("confirm");
        Assert.Contains("is confirmed", _browser.Text("result"), StringComparison.Ordinal);
        Assert.Equal("confirmed", await StateAsync(address));

        mails = await lab.WaitForMailAsync(address, 2);
        Assert.Contains("Subject: Registration of alice@example.test confirmed", mails[1], StringComparison.Ordinal);

        // The link is single use.
        _browser.Open(link);
        Assert.Contains("no longer valid", _browser.Text("error"), StringComparison.Ordinal);
        Assert.Null(_browser.Text("confirm"));
        Assert.Equal(1, await lab.CountAsync("SELECT count(*) FROM registration_tokens t JOIN addresses a ON a.id = t.address_id WHERE a.address = 'alice@example.test' AND t.used_at IS NOT NULL AND t.purpose = 'confirm'"));
        Assert.Equal(0, await lab.CountAsync("SELECT count(*) FROM registration_tokens WHERE octet_length(token_hash) <> 32"));
    }

    [Fact]
    public async Task AnExpiredLinkIsRefusedAndChangesNothing()
    {
        const string address = "erin@example.test";
        var (code, output, error) = await lab.CtlAsync("addresses", "register", address);
        Assert.True(code == 0, output + error);
        var mails = await lab.WaitForMailAsync(address, 1);
        var link = lab.LinkIn(mails[0], "/registry/confirm");
        await lab.SqlAsync("UPDATE registration_tokens SET expires_at = now() - interval '1 second' WHERE address_id = (SELECT id FROM addresses WHERE address = 'erin@example.test')");

        _browser.Open(link);
        Assert.Contains("no longer valid", _browser.Text("error"), StringComparison.Ordinal);
        Assert.Equal("pending", await StateAsync(address));
    }

    [Fact]
    public async Task TheCodeFromTheMailConfirmsOnceAndAWrongCodeIsRefused()
    {
        const string address = "frank@example.test";
        Assert.Equal(0, (await lab.CtlAsync("addresses", "register", address, "--name", "Frank")).Code);
        var mail = (await lab.WaitForMailAsync(address, 1))[0];
        var code = RegistryLab.CodeIn(mail);
        Assert.Equal(10, code.Length);

        var wrong = await lab.CtlAsync("addresses", "confirm", address, "--code", code == "0000000000" ? "1111111111" : "0000000000");
        Assert.Equal(65, wrong.Code);
        Assert.Contains("code: wrong", wrong.Err, StringComparison.Ordinal);
        Assert.Equal("pending", await StateAsync(address));

        _browser.Open(lab.PublicUrl + "/registry/addresses/confirm");
        _browser.Type("address", address);
        _browser.Type("code", code);
        _browser.Click("confirm");
        Assert.Contains("is confirmed", _browser.Text("result"), StringComparison.Ordinal);
        Assert.Equal("confirmed", await StateAsync(address));

        var again = await lab.CtlAsync("addresses", "confirm", address, "--code", code);
        Assert.Equal(65, again.Code);
    }

    [Fact]
    public async Task TheReminderLinkUpdatesTheDetailsThenUnbindsTheAddress()
    {
        const string address = "carol@example.test";
        Assert.Equal(0, (await lab.CtlAsync("addresses", "register", address, "--company", "Old Co")).Code);
        Assert.Equal(0, (await lab.CtlAsync("addresses", "confirm", address)).Code); // the admin confirms directly
        var remind = await lab.CtlAsync("addresses", "remind", address, "--json");
        Assert.True(remind.Code == 0, remind.Out + remind.Err);
        Assert.Contains("\"lastReminderAt\"", remind.Out, StringComparison.Ordinal);

        var mails = await lab.WaitForMailAsync(address, 3); // confirmation, success, reminder
        var reminder = mails.Single(m => m.Contains("Subject: Your registration of carol@example.test", StringComparison.Ordinal));
        Assert.Contains("company     Old Co", reminder, StringComparison.Ordinal);
        var link = lab.LinkIn(reminder, "/registry/manage");

        _browser.Open(link);
        Assert.Equal(address, _browser.Text("address"));
        _browser.Type("company", "New Co");
        _browser.Click("update");
        Assert.Contains("are updated", _browser.Text("result"), StringComparison.Ordinal);
        Assert.Contains("New Co", (await lab.CtlAsync("addresses", "show", address)).Out, StringComparison.Ordinal);

        // Each action uses the link: a second one needs a new reminder.
        _browser.Open(link);
        Assert.Contains("no longer valid", _browser.Text("error"), StringComparison.Ordinal);
        Assert.Equal(0, (await lab.CtlAsync("addresses", "remind", address)).Code);
        mails = await lab.WaitForMailAsync(address, 4);
        _browser.Open(lab.LinkIn(mails[^1], "/registry/manage"));
        _browser.Click("unbind");
        Assert.Contains("is unbound", _browser.Text("result"), StringComparison.Ordinal);
        Assert.Equal("unbound", await StateAsync(address));

        var list = await lab.CtlAsync("addresses", "list", "--state", "unbound");
        Assert.Contains(address, list.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResendsAreLimitedAndTheAnswerDoesNotTellWhetherAnAddressExists()
    {
        const string address = "gina@example.test";
        var first = await lab.CtlAsync("addresses", "register", address);
        Assert.Contains("mail sent", first.Out, StringComparison.Ordinal);
        var second = await lab.CtlAsync("addresses", "register", address);
        Assert.Contains("no mail sent", second.Out, StringComparison.Ordinal);
        await lab.WaitForMailAsync(address, 1);
        await Task.Delay(1000);
        Assert.Single(lab.Mailbox(address));

        // Another domain's address gets the same page as a real one.
        _browser.Open(lab.PublicUrl + "/registry/addresses");
        _browser.Type("address", "someone@elsewhere.example");
        _browser.Click("submit");
        Assert.Contains("a mail with a code and a link is on its way", _browser.Text("result"), StringComparison.Ordinal);
        Assert.Equal(0, await lab.CountAsync("SELECT count(*) FROM addresses WHERE address = 'someone@elsewhere.example'"));
    }

    public void Dispose() => _browser.Dispose();

    private async Task<string> StateAsync(string address) =>
        (await lab.SqlAsync($"SELECT registration_state FROM addresses WHERE address = '{address}'")).Stdout.Trim();
}
