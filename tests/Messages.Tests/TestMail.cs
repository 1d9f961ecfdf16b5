using System.Text;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signature;
using MailFilter.Crypto.Signing;
using MailFilter.Mime;

namespace MailFilter.Messages.Tests;

/// <summary>Keys held in the test process, and messages signed and sealed with them through the writer side
/// (CarrierWriter, MessageSigning): what the inbound side must read.</summary>
internal sealed class TestMail : IDisposable
{
    public TestMail()
    {
        Resolver.Add(new SigningKeyRecord(AliceSign.PublicKey, "alice@example.test", DateTimeOffset.UtcNow.AddDays(-1)));
    }

    public Ed25519PrivateKey AliceSign { get; } = Ed25519PrivateKey.Generate();

    public X25519PrivateKey BobKey { get; } = X25519PrivateKey.Generate();

    public X25519PrivateKey CarolKey { get; } = X25519PrivateKey.Generate();

    public InMemorySigningKeyResolver Resolver { get; } = new();

    public static byte[] Plain(string from = "alice@example.test", string subject = "Grüße aus Köln", string body = "Hello Bob,\r\n.\r\nthe dot line above is content.\r\n") =>
        Encoding.UTF8.GetBytes(
            $"From: Alice <{from}>\r\nTo: bob@example.test\r\nSubject: {subject}\r\nDate: Sat, 21 Nov 2026 08:00:00 +0000\r\n" +
            $"Message-ID: <{Guid.NewGuid():N}@example.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}");

    public static List<HeaderField> Fields(byte[] message, out byte[] body)
    {
        using var parsed = MimeMessage.Load(message);
        var fields = parsed.Headers.Where(h => !h.IsMalformed).Select(h => new HeaderField(h.Name, h.RawValue.ToArray())).ToList();
        using var stream = new MemoryStream(message);
        long offset = MessageLayout.BodyOffset(parsed, stream);
        body = message[(int)offset..];
        return fields;
    }

    /// <summary>The message with a MailFilter-Signature by alice bound to (mailFrom, recipients) on top.</summary>
    public async Task<byte[]> SignAsync(byte[] message, string mailFrom = "alice@example.test", params string[] recipients)
    {
        var fields = Fields(message, out var body);
        var field = await MessageSigning.SignAsync(fields, new MemoryStream(body), new SignatureHeaderRequest
        {
            Sender = "alice@example.test",
            MailFrom = mailFrom,
            Recipients = recipients.Length == 0 ? ["bob@example.test"] : recipients,
            Timestamp = DateTimeOffset.UtcNow,
        }, new LocalMessageSigner(AliceSign));
        using var signed = new MemoryStream();
        MessageHeaders.Write(signed, [field]);
        signed.Write(message);
        return signed.ToArray();
    }

    /// <summary>The carrier of <paramref name="inner"/> sealed by alice to bob (and carol when asked).</summary>
    public async Task<byte[]> SealAsync(byte[] inner, bool toCarol = false)
    {
        var fields = Fields(inner, out var body);
        using var output = new MemoryStream();
        List<EnvelopeRecipient> recipients = [new("bob@example.test", BobKey.PublicKey)];
        if (toCarol)
        {
            recipients.Add(new("carol@example.test", CarolKey.PublicKey));
        }

        await CarrierWriter.WriteMessageAsync(output, fields, new MemoryStream(body), new SealRequest
        {
            Sender = "alice@example.test",
            MessageId = Guid.NewGuid().ToString("N") + "@example.test",
            Created = DateTimeOffset.UtcNow,
            Recipients = recipients,
        }, new LocalMessageSigner(AliceSign));
        return output.ToArray();
    }

    public InboundRequest Request(string recipient = "bob@example.test", IReplayGuard? guard = null, string mailFrom = "alice@example.test") => new()
    {
        MailFrom = mailFrom,
        Recipient = recipient,
        Unwrapper = new X25519FileKeyUnwrapper(recipient.StartsWith("carol", StringComparison.Ordinal) ? CarolKey : BobKey),
        ReplayGuard = guard ?? new MemoryReplayGuard(),
    };

    public InboundVerifier Verifier() => new(Resolver, new InboundOptions
    {
        LocalDomains = new HashSet<string>(["example.test"], StringComparer.OrdinalIgnoreCase),
    });

    public static byte[] ReadAll(Stream stream)
    {
        stream.Position = 0;
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        return ms.ToArray();
    }

    public void Dispose()
    {
        AliceSign.Dispose();
        BobKey.Dispose();
        CarolKey.Dispose();
    }
}
