using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;
using MailFilter.Registry.Tests.Support;

namespace MailFilter.Registry.Tests;

/// <summary>
/// docs/registry.md §4.1: every refusal of the socket calls (registration as the milter makes it, queries, the address
/// administration) is a 4xx with a stable code and a message naming the field, and changes nothing.
/// </summary>
public sealed class SocketApiTests(RegistryLab lab) : IClassFixture<RegistryLab>
{
    private static readonly string s_signature = new('c', 128);

    public static TheoryData<string, string> BadRegistrations() => new()
    {
        { "sender", "sender: not a mailbox address" },
        { "no-recipients", "recipients: give 1 to 1000 addresses" },
        { "many-recipients", "recipients: give 1 to 1000 addresses" },
        { "recipient", "recipients: not a mailbox address" },
        { "signature", "signature: not 128 hexadecimal characters" },
        { "message-id", "messageId: longer than 998 characters or with control characters" },
        { "message-id-crlf", "messageId: longer than 998 characters or with control characters" },
    };

    [Theory]
    [MemberData(nameof(BadRegistrations))]
    public async Task ABadRegistrationIsRefusedWithTheFieldNamed(string what, string message)
    {
        var good = new RegisterMessageRequest { Sender = "alice@example.test", Recipients = ["bob@example.test"], Date = DateTimeOffset.UtcNow, Signature = s_signature };
        var request = what switch
        {
            "sender" => good with { Sender = "alice" },
            "no-recipients" => good with { Recipients = [] },
            "many-recipients" => good with { Recipients = [.. Enumerable.Range(0, 1001).Select(i => $"r{i}@example.test")] },
            "recipient" => good with { Recipients = ["bob@example.test", "not an address"] },
            "signature" => good with { Signature = "abc" },
            "message-id" => good with { MessageId = new string('m', 999) },
            _ => good with { MessageId = "<a@b>\r\nBcc: x@y" },
        };
        long before = await lab.CountAsync("SELECT count(*) FROM registrations");
        var e = await Assert.ThrowsAsync<AuthdRequestException>(() => lab.Authd.RegisterMessageAsync(request));
        Assert.Equal((400, "bad-request"), (e.StatusCode, e.ErrorCode));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Equal(before, await lab.CountAsync("SELECT count(*) FROM registrations"));
    }

    [Fact]
    public async Task AnotherDomainsSenderIsNotRegisteredHereAndAnUnconfirmedOneGetsNo()
    {
        var e = await Assert.ThrowsAsync<AuthdRequestException>(() => lab.Authd.RegisterMessageAsync(new RegisterMessageRequest
        {
            Sender = "zed@example.net", Recipients = ["bob@example.test"], Date = DateTimeOffset.UtcNow, Signature = s_signature,
        }));
        Assert.Equal((404, "not-local"), (e.StatusCode, e.ErrorCode));

        var no = await lab.Authd.RegisterMessageAsync(new RegisterMessageRequest { Sender = "nobody@example.test", Recipients = ["bob@example.test"], Date = DateTimeOffset.UtcNow, Signature = s_signature });
        Assert.False(no.Registered);
        Assert.Equal("not-confirmed", no.Reason);
    }

    [Fact]
    public async Task AMalformedQueryOnTheSocketIsA400()
    {
        var e = await Assert.ThrowsAsync<AuthdRequestException>(() => lab.Authd.VerifyRegistrationAsync(new RegistryQuery
        {
            Sender = "alice@example.test", Recipient = "bob@example.test", Date = "now", ConfirmationNo = "x", Signature = s_signature,
        }));
        Assert.Equal(400, e.StatusCode);
        Assert.Contains("date: neither RFC 3339", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EachAddressCommandRefusesWhatItCannotDo()
    {
        var notLocal = await lab.CtlAsync("addresses", "register", "zed@example.net");
        Assert.Equal(67, notLocal.Code);
        Assert.Contains("example.net is not a local domain here", notLocal.Err, StringComparison.Ordinal);

        var malformed = await lab.CtlAsync("addresses", "register", "nobody");
        Assert.Equal(65, malformed.Code);
        Assert.Contains("address: not a mailbox address", malformed.Err, StringComparison.Ordinal);

        var longName = await lab.CtlAsync("addresses", "register", "olga@example.test", "--name", new string('n', 201));
        Assert.Equal(65, longName.Code);
        Assert.Contains("name: longer than 200 characters", longName.Err, StringComparison.Ordinal);

        var badCode = await lab.CtlAsync("addresses", "confirm", "olga@example.test", "--code", "x");
        Assert.Equal(65, badCode.Code);
        Assert.Contains("code: not a confirmation code", badCode.Err, StringComparison.Ordinal);

        Assert.Equal(67, (await lab.CtlAsync("addresses", "unbind", "olga@example.test")).Code);
        Assert.Equal(67, (await lab.CtlAsync("addresses", "remind", "olga@example.test")).Code);
        Assert.Equal(67, (await lab.CtlAsync("addresses", "show", "olga@example.test")).Code);

        var badState = await lab.CtlAsync("addresses", "list", "--state", "deleted");
        Assert.Equal(65, badState.Code);
        Assert.Contains("state must be pending, confirmed or unbound", badState.Err, StringComparison.Ordinal);

        Assert.Equal(0, (await lab.CtlAsync("addresses", "confirm", "olga@example.test")).Code);
        var twice = await lab.CtlAsync("addresses", "confirm", "olga@example.test");
        Assert.Equal(73, twice.Code);
        Assert.Contains("confirmed already", twice.Err, StringComparison.Ordinal);

        Assert.Equal(0, await lab.CountAsync("SELECT count(*) FROM addresses WHERE address IN ('zed@example.net', 'nobody')"));
    }

    [Fact]
    public async Task TheRegistryCommandsAnswerWithExitCodes()
    {
        var missing = await lab.CtlAsync("registry", "verify", Path.Combine(lab.Directory, "none.eml"));
        Assert.Equal(66, missing.Code);

        var plain = Path.Combine(lab.Directory, "plain.eml");
        await File.WriteAllTextAsync(plain, "From: a@example.test\r\nTo: b@example.test\r\nSubject: x\r\n\r\nbody\r\n");
        var incomplete = await lab.CtlAsync("registry", "verify", plain);
        Assert.Equal(65, incomplete.Code);
        Assert.Contains("no X-Confirmation-No", incomplete.Err, StringComparison.Ordinal);

        var lookup = await lab.CtlAsync("registry", "lookup", "--sender", "alice@example.test", "--recipient", "bob@example.test", "--date", "2026-11-21T09:52:01Z",
            "--confirmation-no", "2026112109alice@example.test0000000000000000", "--signature", s_signature);
        Assert.Equal(1, lookup.Code);
        Assert.Contains("not registered", lookup.Out, StringComparison.Ordinal);

        var usage = await lab.CtlAsync("registry", "lookup", "--sender", "alice@example.test");
        Assert.Equal(64, usage.Code);
    }
}
