using System.Text;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signature;
using MailFilter.Crypto.Signing;

namespace MailFilter.Messages.Tests;

public sealed class MessageSigningTests : IDisposable
{
    private readonly Ed25519PrivateKey _alice = Ed25519PrivateKey.Generate();

    private static SignatureHeaderRequest Request(params string[] recipients) => new()
    {
        Sender = "alice@example.test",
        MailFrom = "alice@example.test",
        Recipients = recipients,
        Timestamp = DateTimeOffset.UtcNow,
    };

    [Fact]
    public async Task TheSignatureOverRawFieldsVerifiesForEachBoundRecipientOnly()
    {
        List<HeaderField> headers =
        [
            new("From", Encoding.UTF8.GetBytes(" Alice <alice@example.test>")),
            new("To", Encoding.UTF8.GetBytes(" bob@example.test,\r\n\tcarol@example.test")),
            new("Subject", Encoding.UTF8.GetBytes(" Grüße")),
        ];
        var body = "Hello\r\n"u8.ToArray();
        var field = await MessageSigning.SignAsync(headers, new MemoryStream(body), Request("bob@example.test", "carol@example.test"), new LocalMessageSigner(_alice));
        Assert.Equal(SignatureHeader.FieldName, field.Name);
        Assert.Equal(field.ValueAsString(), " " + MessageSigning.ToHeaderValue(field));

        var keys = new InMemorySigningKeyResolver();
        keys.Add(new SigningKeyRecord(_alice.PublicKey, "alice@example.test", DateTimeOffset.UtcNow.AddDays(-1)));
        var verifier = new SignatureHeaderVerifier(keys);
        foreach (var (rcpt, status) in new[] { ("bob@example.test", SignatureHeaderStatus.Pass), ("carol@example.test", SignatureHeaderStatus.Pass), ("dave@example.test", SignatureHeaderStatus.Fail) })
        {
            var result = await verifier.VerifyAsync([field, .. headers], new MemoryStream(body), new DeliveryEnvelope("alice@example.test", rcpt));
            Assert.Equal(status, result.Status);
        }
    }

    [Fact]
    public async Task ARawValueEndingWithItsCrlfIsRefused() =>
        await Assert.ThrowsAsync<ArgumentException>(() => MessageSigning.SignAsync(
            [new HeaderField("From", Encoding.ASCII.GetBytes(" a@example.test\r\n"))], new MemoryStream(), Request("b@example.test"), new LocalMessageSigner(_alice)));

    [Fact]
    public void ConcatenatedStreamsReadAsOneWithTheSumOfTheirLengths()
    {
        using var stream = new ConcatenatedStream(new MemoryStream("head\r\n"u8.ToArray()), new MemoryStream("body"u8.ToArray()));
        Assert.Equal(10, stream.Length);
        Assert.Equal("head\r\nbody", new StreamReader(stream).ReadToEnd());
    }

    public void Dispose() => _alice.Dispose();
}
