using System.Text;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signature;
using MailFilter.Crypto.Signing;

namespace MailFilter.Messages.Tests;

public sealed class CarrierWriterTests : IDisposable
{
    private readonly Ed25519PrivateKey _alice = Ed25519PrivateKey.Generate();
    private readonly X25519PrivateKey _bob = X25519PrivateKey.Generate();
    private readonly X25519PrivateKey _carol = X25519PrivateKey.Generate();

    private static List<HeaderField> Headers(string text) =>
        [.. text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(l => HeaderField.FromString(l[..l.IndexOf(':')], l[(l.IndexOf(':') + 1)..]))];

    private static string Text(IEnumerable<HeaderField> fields) => Encoding.UTF8.GetString(MessageHeaders.ToBytes(fields));

    [Fact]
    public void TheOuterHeadersKeepTheAddressingAndTraceFieldsAndHideTheRest()
    {
        var inner = Headers(
            "Received: from client by mx\r\nMailFilter-Signature: v=1; b=x\r\nFrom: Alice <alice@example.test>\r\nTo: bob@example.test\r\n" +
            "Cc: carol@example.test\r\nSubject: the secret plan\r\nSubject: a second subject\r\nDate: Sat, 21 Nov 2026 07:00:00 +0000\r\n" +
            "Message-ID: <m1@example.test>\r\nX-Mailer: ClientX\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n" +
            "Content-Transfer-Encoding: 8bit\r\nIn-Reply-To: <p@x>\r\nReferences: <p@x>\r\nReply-To: a@x\r\n");
        var outer = CarrierWriter.OuterHeaders(inner, "BOUND");
        Assert.Equal(
            "Received: from client by mx\r\nFrom: Alice <alice@example.test>\r\nTo: bob@example.test\r\nCc: carol@example.test\r\n" +
            "Subject: [...]\r\nDate: Sat, 21 Nov 2026 07:00:00 +0000\r\nMessage-ID: <m1@example.test>\r\nMIME-Version: 1.0\r\n" +
            "In-Reply-To: <p@x>\r\nReferences: <p@x>\r\nReply-To: a@x\r\n" +
            "Content-Type: multipart/encrypted; protocol=\"application/vnd.mailfilter.envelope\";\r\n\tboundary=\"BOUND\"\r\n\r\n",
            Text(outer));
    }

    [Fact]
    public void AMessageWithoutSubjectOrMimeVersionGetsBoth()
    {
        var outer = CarrierWriter.OuterHeaders(Headers("From: a@example.test\r\nX-Other: 1\r\n"), "B");
        Assert.Equal(["From", "Subject", "MIME-Version", "Content-Type"], outer.Select(f => f.Name));
        Assert.Equal(" [...]", outer[1].ValueAsString());
        Assert.Equal(" 1.0", outer[2].ValueAsString());
    }

    [Fact]
    public async Task ACarrierMessageOpensToTheExactInnerMessageForEachRecipient()
    {
        var inner = Headers("From: alice@example.test\r\nTo: bob@example.test, carol@example.test\r\nSubject: plan\r\nMessage-ID: <c1@example.test>\r\n");
        var body = Encoding.UTF8.GetBytes("Grüße,\r\n.dot line\r\n" + new string('x', 200_000) + "\r\n");
        var output = new MemoryStream();
        var sealedEnvelope = await CarrierWriter.WriteMessageAsync(output, inner, new MemoryStream(body), Request("c1@example.test"),
            new LocalMessageSigner(_alice), [HeaderField.FromString("X-Top", " first")]);

        string message = Encoding.ASCII.GetString(output.ToArray());
        Assert.StartsWith("X-Top: first\r\nFrom: alice@example.test\r\n", message, StringComparison.Ordinal);
        Assert.Contains("Subject: [...]\r\n", message, StringComparison.Ordinal);
        Assert.DoesNotContain("plan", message, StringComparison.Ordinal);
        Assert.EndsWith("--\r\n", message, StringComparison.Ordinal);
        Assert.Equal(2, sealedEnvelope.Manifest.Recipients.Count);

        var ageFile = AgeFileOf(message);
        byte[] expected = [.. MessageHeaders.ToBytes(inner), .. body];
        foreach (var (address, key) in new[] { ("bob@example.test", _bob), ("carol@example.test", _carol) })
        {
            var keys = new InMemorySigningKeyResolver();
            keys.Add(new SigningKeyRecord(_alice.PublicKey, "alice@example.test", DateTimeOffset.UtcNow.AddDays(-1)));
            var spool = new MemoryStream();
            await new EnvelopeOpener(keys, new MemoryReplayGuard()).OpenAsync(new MemoryStream(ageFile), spool, new OpenRequest
            {
                RecipientAddress = address,
                Unwrapper = new X25519FileKeyUnwrapper(key),
                FromCheck = (_, _, _) => ValueTask.FromResult(true),
            });
            Assert.Equal(expected, spool.ToArray());
        }
    }

    [Fact]
    public async Task TheBodyHasTheTwoPartsOfRfc1847()
    {
        var output = new MemoryStream();
        await CarrierWriter.WriteBodyAsync(output, "B0", new MemoryStream("From: alice@example.test\r\n\r\nhi\r\n"u8.ToArray()),
            Request("b@example.test"), new LocalMessageSigner(_alice));
        string body = Encoding.ASCII.GetString(output.ToArray());
        Assert.StartsWith(
            "--B0\r\nContent-Type: application/vnd.mailfilter.envelope\r\n\r\nVersion: 1\r\n--B0\r\n" +
            "Content-Type: application/octet-stream; name=\"message.age\"\r\nContent-Disposition: inline; filename=\"message.age\"\r\n" +
            "Content-Transfer-Encoding: base64\r\n\r\n", body, StringComparison.Ordinal);
        Assert.EndsWith("\r\n--B0--\r\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public void BoundariesAreFreshEachTime() => Assert.NotEqual(CarrierWriter.NewBoundary(), CarrierWriter.NewBoundary());

    public void Dispose()
    {
        _alice.Dispose();
        _bob.Dispose();
        _carol.Dispose();
    }

    private SealRequest Request(string messageId) => new()
    {
        Sender = "alice@example.test",
        MessageId = messageId,
        Created = DateTimeOffset.UtcNow,
        Recipients = [new EnvelopeRecipient("bob@example.test", _bob.PublicKey), new EnvelopeRecipient("carol@example.test", _carol.PublicKey)],
    };

    private static byte[] AgeFileOf(string message)
    {
        int start = message.IndexOf("Content-Transfer-Encoding: base64\r\n\r\n", StringComparison.Ordinal) + 37;
        int end = message.IndexOf("--=_mf_", start, StringComparison.Ordinal);
        var lines = message[start..end].Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines[..^1], l => Assert.Equal(76, l.Length));
        return Convert.FromBase64String(string.Concat(lines));
    }
}
