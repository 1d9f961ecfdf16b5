using System.Text;
using System.Text.Json;
using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Signature;
using MailFilter.Messages;
using MailFilter.Mime;

namespace MailFilter.Cli.Tests;

/// <summary>mailfilterctl verify and decrypt on stored messages, with keys in a real mailfilter-authd.</summary>
public sealed class VerifyDecryptCommandTests(AuthdFixture authd) : IClassFixture<AuthdFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mailfilterctl-verify-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private AuthdClient Client() => new(new AuthdClientOptions { SocketPath = authd.Socket });

    private static byte[] Plain(string id) => Encoding.UTF8.GetBytes(
        $"From: Alice <alice@example.test>\r\nTo: bob@example.test\r\nSubject: Grüße\r\nDate: Sat, 21 Nov 2026 08:00:00 +0000\r\n" +
        $"Message-ID: <{id}@example.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHallo Bob,\r\nbis bald.\r\n");

    private static List<HeaderField> Fields(byte[] message, out byte[] body)
    {
        using var parsed = MimeMessage.Load(message);
        body = message[(message.AsSpan().IndexOf("\r\n\r\n"u8) + 4)..];
        return parsed.Headers.Select(h => new HeaderField(h.Name, h.RawValue.ToArray())).ToList();
    }

    private async Task<byte[]> SignedAsync(string id)
    {
        using var client = Client();
        var message = Plain(id);
        var fields = Fields(message, out var body);
        var field = await MessageSigning.SignAsync(fields, new MemoryStream(body), new SignatureHeaderRequest
        {
            Sender = "alice@example.test",
            MailFrom = "alice@example.test",
            Recipients = ["bob@example.test"],
            Timestamp = DateTimeOffset.UtcNow,
        }, await AuthdMessageSigner.CreateAsync(client, "alice@example.test"));
        using var output = new MemoryStream();
        MessageHeaders.Write(output, [field]);
        output.Write(message);
        return output.ToArray();
    }

    private async Task<byte[]> SealedAsync(byte[] inner, string id)
    {
        using var client = Client();
        var fields = Fields(inner, out var body);
        var bob = await client.GetCurrentKeyAsync("bob@example.test", KeyUse.Encrypt);
        using var output = new MemoryStream();
        await CarrierWriter.WriteMessageAsync(output, fields, new MemoryStream(body), new SealRequest
        {
            Sender = "alice@example.test",
            MessageId = id + "@example.test",
            Created = DateTimeOffset.UtcNow,
            Recipients = [new EnvelopeRecipient("bob@example.test", KeyInfoConversions.ToX25519(bob!))],
        }, await AuthdMessageSigner.CreateAsync(client, "alice@example.test"));
        return output.ToArray();
    }

    private string Save(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public async Task VerifyPassesASignedMessageForItsEnvelope()
    {
        var file = Save("signed.eml", await SignedAsync("v1"));
        var (code, output, error) = await authd.RunAsync("verify", file, "--mail-from", "alice@example.test", "--recipient", "bob@example.test");
        Assert.Equal(0, code);
        Assert.StartsWith("pass: signed by alice@example.test, key ", output, StringComparison.Ordinal);
        Assert.Empty(error);
    }

    [Fact]
    public async Task VerifyReadsTheEnvelopeFromTheFieldsADeliveryAddsAndLfLineEnds()
    {
        // As Dovecot stores it: Return-Path and Delivered-To on top, LF line ends.
        var stored = Encoding.UTF8.GetBytes("Return-Path: <alice@example.test>\r\nDelivered-To: bob@example.test\r\n" + Encoding.UTF8.GetString(await SignedAsync("v2")))
            .Where(b => b != (byte)'\r').ToArray();
        var (code, output, _) = await authd.RunAsync("verify", Save("maildir-file", stored), "--json");
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("pass", json.RootElement.GetProperty("result").GetString());
        Assert.True(json.RootElement.GetProperty("envelopeChecked").GetBoolean());
        Assert.Equal("alice@example.test", json.RootElement.GetProperty("signer").GetString());
    }

    [Fact]
    public async Task VerifyWithoutAnEnvelopeChecksTheSignatureAndSaysTheBindingWasNotChecked()
    {
        var (code, output, _) = await authd.RunAsync("verify", Save("bare.eml", await SignedAsync("v3")), "--json");
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("envelope binding not checked", json.RootElement.GetProperty("reason").GetString());
        Assert.False(json.RootElement.GetProperty("envelopeChecked").GetBoolean());
    }

    [Fact]
    public async Task VerifyFailsATamperedMessageAndAnotherRecipient()
    {
        var signed = Encoding.UTF8.GetString(await SignedAsync("v4"));
        var tampered = Save("tampered.eml", Encoding.UTF8.GetBytes(signed.Replace("bis bald", "bis gleich", StringComparison.Ordinal)));
        var (code, output, _) = await authd.RunAsync("verify", tampered, "--mail-from", "alice@example.test", "--recipient", "bob@example.test");
        Assert.Equal((1, "fail (signature: BodyHashMismatch): From alice@example.test\n"), (code, output.Replace("\r\n", "\n", StringComparison.Ordinal)));

        var other = await authd.RunAsync("verify", Save("other.eml", Encoding.UTF8.GetBytes(signed)), "--mail-from", "alice@example.test", "--recipient", "carol@example.test");
        Assert.Equal(1, other.Code);
        Assert.StartsWith("fail (signature: EnvelopeRecipientMismatch)", other.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyOfAnUnsignedMessageIsNoneOrFailForALocalDomain()
    {
        var file = Save("plain.eml", Plain("v5"));
        Assert.StartsWith("none", (await authd.RunAsync("verify", file)).Out, StringComparison.Ordinal);
        var local = await authd.RunAsync("verify", file, "--local-domain", "example.test");
        Assert.Equal(1, local.Code);
        Assert.StartsWith("fail (no signature from a MailFilter domain)", local.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DecryptOpensTheEnvelopeForBobAndWritesTheInnerMessage()
    {
        var inner = await SignedAsync("d1");
        var carrier = Save("sealed.eml", await SealedAsync(inner, "d1"));
        var verify = await authd.RunAsync("verify", carrier);
        Assert.Equal(1, verify.Code);
        Assert.Contains("encrypted", verify.Err, StringComparison.Ordinal);

        var target = Path.Combine(_dir, "opened.eml");
        var (code, output, _) = await authd.RunAsync("decrypt", carrier, "--recipient", "bob@example.test", "--mail-from", "alice@example.test", "--output", target, "--json");
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("pass", json.RootElement.GetProperty("result").GetString());
        Assert.True(json.RootElement.GetProperty("decrypted").GetBoolean());
        Assert.Equal(inner, File.ReadAllBytes(target));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(target));

        var toStdout = await authd.RunAsync("decrypt", carrier, "--recipient", "bob@example.test");
        Assert.Equal(0, toStdout.Code);
        Assert.Equal(Encoding.UTF8.GetString(inner), toStdout.Out);
        Assert.StartsWith("pass (envelope binding not checked)", toStdout.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DecryptForSomeoneNotInTheEnvelopeFailsAndWritesNothing()
    {
        var carrier = Save("sealed2.eml", await SealedAsync(await SignedAsync("d2"), "d2"));
        var target = Path.Combine(_dir, "nothing.eml");
        var (code, _, error) = await authd.RunAsync("decrypt", carrier, "--recipient", "carol@example.test", "--output", target);
        Assert.Equal(1, code);
        Assert.StartsWith("fail (envelope: NoMatchingRecipient)", error, StringComparison.Ordinal);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public async Task DecryptRefusesWhatIsNotAnEnvelopeAndReportsAnUnreachableAuthd()
    {
        var plain = Save("plain2.eml", Plain("d3"));
        Assert.Equal(65, (await authd.RunAsync("decrypt", plain, "--recipient", "bob@example.test")).Code);
        Assert.Equal(66, (await authd.RunAsync("decrypt", Path.Combine(_dir, "missing.eml"), "--recipient", "bob@example.test")).Code);
        var carrier = Save("sealed3.eml", await SealedAsync(Plain("d4"), "d4"));
        var down = await authd.RunAsync(["decrypt", carrier, "--recipient", "bob@example.test"], Path.Combine(_dir, "no-such.sock"));
        Assert.Equal(69, down.Code);
        Assert.Equal(64, (await authd.RunAsync("decrypt", carrier, "--recipient", "bob@example.test", "--json")).Code);
    }
}
