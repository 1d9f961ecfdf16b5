using System.Text;
using System.Text.RegularExpressions;
using MailFilter.AuthClient.Registry;
using MailFilter.Lab;
using MailFilter.Registry.Tests.Support;

namespace MailFilter.Registry.Tests;

/// <summary>
/// docs/registry.md §2-§5 end to end: a confirmed sender's message arrives with both stamps and passes the check at
/// delivery; the query page in Chromium reports it matching, and not matching after one character of the body, the
/// recipient or the date changed; copied stamps and a genuine message re-sent to someone else are caught at delivery.
/// </summary>
public sealed partial class RegisteredMailTests(RegistryLab lab) : IClassFixture<RegistryLab>, IDisposable
{
    private readonly Chromium _browser = new();

    [Fact]
    public async Task ARegisteredMessageArrivesStampedAndTheQueryPageReportsItMatchingUntilOneCharacterChanges()
    {
        var (sender, bob) = ("henry@example.test", "bob@example.test");
        await ConfirmAsync(sender, "Henry Higgins", "Phonetics Ltd");
        int before = lab.Mailbox(bob).Count;
        var sent = await lab.SendAsync(sender, [bob], Letter(sender, bob, "registered", "Please find the figures below.\r\nTotal: 1234.56\r\n"));
        Assert.True(sent.Accepted, sent + "\n" + lab.Diagnostics);

        var stored = (await lab.WaitForMailAsync(bob, before + 1))[^1];
        var headers = stored[..stored.IndexOf("\r\n\r\n", StringComparison.Ordinal)];
        Assert.Contains("\r\nX-Registered: Yes\r\n", headers, StringComparison.Ordinal);
        var number = ConfirmationNo(stored);
        Assert.True(ConfirmationNumber.TryParse(number, out var parsed), number);
        Assert.Equal(sender, parsed.Address);
        Assert.Matches(@"^mx\.example\.test; mailfilter=pass .*; mailfilter-registry=pass$", Field(stored, "Authentication-Results"));
        Assert.Equal("{bob@example.test}", (await lab.SqlAsync($"SELECT recipients FROM registrations WHERE confirmation_no = '{number}'")).Stdout.Trim());

        var eml = Path.Combine(lab.Directory, "registered.eml");
        await File.WriteAllTextAsync(eml, stored);
        Assert.Equal("match", Check(eml));
        Assert.Contains("Henry Higgins, Phonetics Ltd", _browser.Text("result"), StringComparison.Ordinal);

        // One character of the body: the signature no longer covers what was uploaded.
        var tampered = Path.Combine(lab.Directory, "tampered.eml");
        await File.WriteAllTextAsync(tampered, stored.Replace("Total: 1234.56", "Total: 1234.58", StringComparison.Ordinal));
        Assert.Equal("mismatch", Check(tampered));

        // Another recipient, or the date one second off, typed over what the message says.
        Assert.Equal("mismatch", Check(eml, recipient: "carol@example.test"));
        var date = DateHeader().Match(stored).Groups[1].Value.Trim();
        var shifted = MailFilter.Mime.DateParser.Parse(date).AddSeconds(1).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("mismatch", Check(eml, date: shifted));
        Assert.Equal("match", Check(eml, date: MailFilter.Mime.DateParser.Parse(date).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)));

        // The same from the shell.
        var cli = await lab.CtlAsync("registry", "verify", eml);
        Assert.True(cli.Code == 0, cli.Out + cli.Err);
        Assert.Contains("registered and matching", cli.Out, StringComparison.Ordinal);
        var other = await lab.CtlAsync("registry", "verify", eml, "--recipient", "carol@example.test", "--json");
        Assert.Equal(1, other.Code);
        Assert.Contains("\"result\": \"mismatch\"", other.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnconfirmedSenderGetsXRegisteredNoAndStampsAClientSentAreRemoved()
    {
        var (sender, bob) = ("ivan@example.test", "bob@example.test");
        int before = lab.Mailbox(bob).Count;
        var sent = await lab.SendAsync(sender, [bob], Letter(sender, bob, "not registered", "hello\r\n", "X-Registered: Yes\r\nX-Confirmation-No: 2026112109ivan@example.test7k3m9q2x4w8n5p1r\r\n"));
        Assert.True(sent.Accepted, sent + "\n" + lab.Diagnostics);
        var stored = (await lab.WaitForMailAsync(bob, before + 1))[^1];
        Assert.Contains("\r\nX-Registered: No\r\n", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Registered: Yes", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Confirmation-No", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("mailfilter-registry=", stored, StringComparison.Ordinal);
        Assert.Equal(0, await lab.CountAsync("SELECT count(*) FROM registrations WHERE sender = 'ivan@example.test'"));

        // mailfilterd remembers "not confirmed" for key_cache_ttl (60 s here): confirmed now, ivan's next message is
        // still stamped No without a registry call (docs/registry.md §5).
        await ConfirmAsync(sender, "Ivan", "Example");
        sent = await lab.SendAsync(sender, [bob], Letter(sender, bob, "confirmed meanwhile", "hello again\r\n"));
        Assert.True(sent.Accepted, sent + "\n" + lab.Diagnostics);
        stored = (await lab.WaitForMailAsync(bob, before + 2))[^1];
        Assert.Contains("confirmed meanwhile", stored, StringComparison.Ordinal);
        Assert.Contains("\r\nX-Registered: No\r\n", stored, StringComparison.Ordinal);
        Assert.Equal(0, await lab.CountAsync("SELECT count(*) FROM registrations WHERE sender = 'ivan@example.test'"));
    }

    [Fact]
    public async Task ASenderOfADomainAuthdDoesNotServeGetsXRegisteredNo()
    {
        var (sender, bob) = ("mia@example.org", "bob@example.test");
        Assert.Equal(0, (await lab.CtlAsync("keys", "generate", sender)).Code); // provisioned: signed, but not registrable here
        int before = lab.Mailbox(bob).Count;
        var sent = await lab.SendAsync(sender, [bob], Letter(sender, bob, "other domain", "hello\r\n"));
        Assert.True(sent.Accepted, sent + "\n" + lab.Diagnostics);
        var stored = (await lab.WaitForMailAsync(bob, before + 1))[^1];
        Assert.Equal("No", Field(stored, "X-Registered"));
        Assert.Contains("results=signed,registered=no", lab.FilterLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EachBccCopyHasItsOwnRegistrationThatPasses()
    {
        var (sender, bob, dave) = ("judy@example.test", "bob@example.test", "dave@example.test");
        await ConfirmAsync(sender, null, null);
        int bobBefore = lab.Mailbox(bob).Count;
        Assert.True((await lab.SendAsync(sender, [bob, dave], Letter(sender, bob, "with bcc", "hi\r\n"))).Accepted);
        var toBob = (await lab.WaitForMailAsync(bob, bobBefore + 1))[^1];
        var toDave = (await lab.WaitForMailAsync(dave, 1))[^1];
        Assert.NotEqual(ConfirmationNo(toBob), ConfirmationNo(toDave));
        Assert.EndsWith("; mailfilter-registry=pass", Field(toBob, "Authentication-Results"), StringComparison.Ordinal);
        Assert.EndsWith("; mailfilter-registry=pass", Field(toDave, "Authentication-Results"), StringComparison.Ordinal);
        Assert.Equal("{bob@example.test,dave@example.test}", (await lab.SqlAsync($"SELECT recipients FROM registrations WHERE confirmation_no = '{ConfirmationNo(toDave)}'")).Stdout.Trim());
    }

    [Fact]
    public async Task CopiedStampsFromOutsideAreSuspectedPhishingAtDelivery()
    {
        var (sender, bob, carol) = ("kate@example.test", "bob@example.test", "carol@example.test");
        await ConfirmAsync(sender, null, null);
        int bobBefore = lab.Mailbox(bob).Count;
        Assert.True((await lab.SendAsync(sender, [bob], Letter(sender, bob, "genuine", "Pay invoice 17 to the usual account.\r\n"))).Accepted);
        var genuine = (await lab.WaitForMailAsync(bob, bobBefore + 1))[^1];
        var number = ConfirmationNo(genuine);
        var signature = SignatureField().Match(genuine).Value;

        // A forger copies both stamps and the signature field into his own message, sent from outside.
        int carolBefore = lab.Mailbox(carol).Count;
        var forged = $"X-Registered: Yes\r\nX-Confirmation-No: {number}\r\n{signature}" + Letter(sender, carol, "urgent", "Pay invoice 17 to account 666.\r\n");
        var sent = await lab.SendAsync(sender, [carol], forged, source: "127.0.0.2");
        Assert.True(sent.Accepted, sent + "\n" + lab.Diagnostics);
        var caught = (await lab.WaitForMailAsync(carol, carolBefore + 1))[^1];
        Assert.Matches(@"^mx\.example\.test; mailfilter=fail .*; mailfilter-registry=fail \(registered, not matching\)$", Field(caught, "Authentication-Results"));
        Assert.Equal("[SUSPECTED PHISHING] urgent", Field(caught, "Subject"));

        // The genuine message, byte for byte, re-sent to someone else.
        var body = genuine[genuine.IndexOf("X-Registered: Yes", StringComparison.Ordinal)..];
        Assert.True((await lab.SendAsync(sender, [carol], body, source: "127.0.0.2")).Accepted);
        var resent = (await lab.WaitForMailAsync(carol, carolBefore + 2))[^1];
        Assert.EndsWith("; mailfilter-registry=fail (registered, not matching)", Field(resent, "Authentication-Results"), StringComparison.Ordinal);
        Assert.Equal("[SUSPECTED PHISHING] genuine", Field(resent, "Subject"));
        Assert.Contains("registry=fail (registered, not matching): suspected phishing", lab.FilterLog, StringComparison.Ordinal);

        // A number nobody registered.
        var invented = $"X-Registered: Yes\r\nX-Confirmation-No: 2026112109kate@example.test0000000000000000\r\n{signature}" + Letter(sender, carol, "invented", "x\r\n");
        Assert.True((await lab.SendAsync(sender, [carol], invented, source: "127.0.0.2")).Accepted);
        Assert.EndsWith("; mailfilter-registry=fail (not registered)", Field((await lab.WaitForMailAsync(carol, carolBefore + 3))[^1], "Authentication-Results"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMessageWithoutADateGetsOneBeforeSigningAndItsRegistrationPasses()
    {
        var (sender, bob) = ("leo@example.test", "bob@example.test");
        await ConfirmAsync(sender, null, null);
        int before = lab.Mailbox(bob).Count;
        var undated = $"From: <{sender}>\r\nTo: <{bob}>\r\nSubject: undated\r\n\r\nno date\r\n";
        Assert.True((await lab.SendAsync(sender, [bob], undated)).Accepted);
        var stored = (await lab.WaitForMailAsync(bob, before + 1))[^1];
        Assert.True(MailFilter.Mime.DateParser.TryParse(Field(stored, "Date"), out _), stored);
        Assert.Matches(@"^mx\.example\.test; mailfilter=pass .*; mailfilter-registry=pass$", Field(stored, "Authentication-Results"));
    }

    public void Dispose() => _browser.Dispose();

    internal static string Letter(string from, string to, string subject, string body, string extraHeaders = "") =>
        $"{extraHeaders}From: <{from}>\r\nTo: <{to}>\r\nSubject: {subject}\r\nDate: {DateTimeOffset.UtcNow.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", System.Globalization.CultureInfo.InvariantCulture)}\r\nMessage-ID: <{Guid.NewGuid():N}@example.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n{body}";

    /// <summary>The first field of that name in the message's header, unfolded.</summary>
    internal static string Field(string message, string name)
    {
        var match = Regex.Match(message[..message.IndexOf("\r\n\r\n", StringComparison.Ordinal)], "(?m)^" + Regex.Escape(name) + @":[ \t]*([^\r]*(?:\r\n[ \t][^\r]*)*)");
        Assert.True(match.Success, "no " + name + " in:\n" + message);
        return Regex.Replace(match.Groups[1].Value, @"\r\n[ \t]+", " ");
    }

    internal static string ConfirmationNo(string message) => NumberHeader().Match(message).Groups[1].Value;

    private async Task ConfirmAsync(string address, string? name, string? company)
    {
        var args = new List<string> { "addresses", "register", address };
        if (name is not null)
        {
            args.AddRange(["--name", name]);
        }

        if (company is not null)
        {
            args.AddRange(["--company", company]);
        }

        Assert.Equal(0, (await lab.CtlAsync([.. args])).Code);
        var confirmed = await lab.CtlAsync("addresses", "confirm", address);
        Assert.True(confirmed.Code == 0, confirmed.Out + confirmed.Err);
    }

    /// <summary>The query page in Chromium with the .eml uploaded (and fields typed over it); the data-result of the answer.</summary>
    private string? Check(string eml, string? recipient = null, string? date = null)
    {
        _browser.Open(lab.PublicUrl + "/registry");
        if (recipient is not null)
        {
            _browser.Type("recipient", recipient);
        }

        if (date is not null)
        {
            _browser.Type("date", date);
        }

        _browser.Upload("eml", eml);
        _browser.Click("check");
        return _browser.Attribute("result", "data-result") ?? _browser.PageText;
    }

    [GeneratedRegex(@"\r\nX-Confirmation-No: ([^\r]+)\r\n")]
    private static partial Regex NumberHeader();

    [GeneratedRegex(@"\r\nDate: ([^\r]+)\r\n")]
    private static partial Regex DateHeader();

    [GeneratedRegex(@"MailFilter-Signature:[^\r]*\r\n(?:[ \t][^\r]*\r\n)*")]
    private static partial Regex SignatureField();
}
