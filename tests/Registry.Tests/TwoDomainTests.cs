using System.Security.Cryptography;
using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;
using MailFilter.AuthClient.Registry;
using MailFilter.Registry.Tests.Support;

namespace MailFilter.Registry.Tests;

/// <summary>
/// docs/registry.md §4.1: a claim of another domain's sender is checked through that domain's public query API. example.net
/// runs its own authd and registry (its own database and master key); this lab's authd names it in [discovery], and
/// mail from example.net stamped by its registry is checked at this domain's delivery through the peer.
/// </summary>
public sealed class TwoDomainTests(RegistryLab lab) : IClassFixture<RegistryLab>
{
    [Fact]
    public async Task AClaimOfAnotherDomainIsCheckedThroughThePeersPublicApi()
    {
        // example.net's server, with zed confirmed and one message of his registered as its milter would.
        await lab.Postgres.CreateDatabaseAsync("peer");
        var peer = (await lab.StartAuthdAsync("query_rate = 0", database: "peer", localDomains: "example.net", newMasterKey: true, publicPort: lab.PeerPublicPort)).Client;
        await peer.RegisterAddressAsync(new AddressRequest { Address = "zed@example.net", Company = "Net Corp" });
        await peer.ConfirmAddressAsync(new AddressRequest { Address = "zed@example.net" });
        var date = DateTimeOffset.UtcNow.AddMinutes(-1);
        var signature = RegistrySignature.FromBytes(RandomNumberGenerator.GetBytes(64));
        var registered = await peer.RegisterMessageAsync(new RegisterMessageRequest
        {
            Sender = "zed@example.net", Recipients = ["bob@example.test"], Date = date, Signature = signature, MessageId = "<x1@example.net>",
        });
        Assert.True(registered.Registered);

        // This domain's authd asks the peer (mailfilterd's call at delivery, and mailfilterctl's).
        var query = new RegistryQuery
        {
            Sender = "zed@example.net",
            Recipient = "bob@example.test",
            Date = date.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            ConfirmationNo = registered.ConfirmationNo,
            Signature = signature,
        };
        var match = await lab.Authd.VerifyRegistrationAsync(query);
        Assert.Equal(RegistryAnswer.Match, match.Result);
        Assert.Equal("Net Corp", match.Display?.Company);
        Assert.Equal(RegistryAnswer.Mismatch, (await lab.Authd.VerifyRegistrationAsync(query with { Recipient = "carol@example.test" })).Result);
        Assert.Equal(RegistryAnswer.Unknown, (await lab.Authd.VerifyRegistrationAsync(query with { Sender = "zed@example.org" })).Result);

        // The peer's public listener answers for its own senders only: it never forwards (no amplification).
        using var http = new HttpClient();
        var local = await http.PostAsync($"http://127.0.0.1:{lab.PeerPublicPort}/.well-known/mailfilter/v1/registry/verify",
            System.Net.Http.Json.JsonContent.Create(query with { Sender = "henry@example.test", ConfirmationNo = registered.ConfirmationNo!.Replace("zed@example.net", "henry@example.test", StringComparison.Ordinal) }));
        Assert.Contains("not-registered", await local.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // At delivery: mail from example.net stamped by its registry, arriving from outside.
        var fakeField = "MailFilter-Signature: v=1; a=ed25519-sha256; d=example.net; i=zed@example.net; b=" + Convert.ToBase64String(Convert.FromHexString(signature)) + "\r\n";
        var stamps = $"X-Registered: Yes\r\nX-Confirmation-No: {registered.ConfirmationNo}\r\n{fakeField}";
        var letter = $"From: <zed@example.net>\r\nTo: <bob@example.test>\r\nSubject: from the peer\r\nDate: {date.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}\r\nMessage-ID: <x1@example.net>\r\n\r\nhello\r\n";
        int bobBefore = lab.Mailbox("bob@example.test").Count;
        Assert.True((await lab.SendAsync("zed@example.net", ["bob@example.test"], stamps + letter, source: "127.0.0.2")).Accepted);
        var atBob = (await lab.WaitForMailAsync("bob@example.test", bobBefore + 1))[^1];
        Assert.EndsWith("; mailfilter-registry=pass", RegisteredMailTests.Field(atBob, "Authentication-Results"), StringComparison.Ordinal);

        int carolBefore = lab.Mailbox("carol@example.test").Count;
        Assert.True((await lab.SendAsync("zed@example.net", ["carol@example.test"], stamps + letter.Replace("To: <bob@", "To: <carol@", StringComparison.Ordinal), source: "127.0.0.2")).Accepted);
        var atCarol = (await lab.WaitForMailAsync("carol@example.test", carolBefore + 1))[^1];
        Assert.EndsWith("; mailfilter-registry=fail (registered, not matching)", RegisteredMailTests.Field(atCarol, "Authentication-Results"), StringComparison.Ordinal);
    }
}
