using System.Text;
using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Signature;
using MailFilter.Mime;
using MailFilter.Messages;

namespace MailFilter.Delivery.Tests;

/// <summary>Messages for the tests, signed and sealed the way the outbound side does it (MessageSigning,
/// CarrierWriter) with keys that live in mailfilter-authd.</summary>
internal static class Letters
{
    /// <summary>A multipart message with UTF-8 text, HTML and an attachment of <paramref name="attachmentSize"/> bytes.</summary>
    public static byte[] Original(string messageId, string subject, string to = "bob@example.test", string from = "alice@example.test", int attachmentSize = 2 * 1024 * 1024)
    {
        var attachment = new byte[attachmentSize];
        new Random(attachmentSize).NextBytes(attachment);
        var sb = new StringBuilder();
        sb.Append(CultureInfo($"From: Alice <{from}>\r\nTo: {to}\r\nSubject: {subject}\r\nDate: Sat, 21 Nov 2026 08:00:00 +0000\r\n"));
        sb.Append(CultureInfo($"Message-ID: <{messageId}>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"));
        sb.Append("--b1\r\nContent-Type: multipart/alternative; boundary=\"b2\"\r\n\r\n");
        sb.Append("--b2\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße, Bob — 你好\r\n.\r\n");
        sb.Append("--b2\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n<p>Grüße, Bob</p>\r\n--b2--\r\n");
        sb.Append("--b1\r\nContent-Type: application/octet-stream; name=\"data.bin\"\r\nContent-Disposition: attachment; filename=\"data.bin\"\r\n");
        sb.Append("Content-Transfer-Encoding: base64\r\n\r\n");
        sb.Append(Convert.ToBase64String(attachment, Base64FormattingOptions.InsertLineBreaks)).Append("\r\n--b1--\r\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static string CultureInfo(FormattableString text) => FormattableString.Invariant(text);

    public static List<HeaderField> Fields(byte[] message, out byte[] body)
    {
        using var parsed = MimeMessage.Load(message);
        var fields = parsed.Headers.Where(h => !h.IsMalformed).Select(h => new HeaderField(h.Name, h.RawValue.ToArray())).ToList();
        int split = IndexOf(message, "\r\n\r\n"u8) + 4;
        body = message[split..];
        return fields;
    }

    /// <summary>The message with alice's MailFilter-Signature (signed inside authd) bound to MAIL FROM alice and <paramref name="recipients"/>.</summary>
    public static async Task<byte[]> SignAsync(AuthdClient authd, byte[] message, params string[] recipients)
    {
        var fields = Fields(message, out var body);
        var signer = await AuthdMessageSigner.CreateAsync(authd, "alice@example.test");
        var field = await MessageSigning.SignAsync(fields, new MemoryStream(body), new SignatureHeaderRequest
        {
            Sender = "alice@example.test",
            MailFrom = "alice@example.test",
            Recipients = recipients,
            Timestamp = DateTimeOffset.UtcNow,
        }, signer);
        using var output = new MemoryStream();
        MessageHeaders.Write(output, [field]);
        output.Write(message);
        return output.ToArray();
    }

    /// <summary>The carrier of <paramref name="inner"/>, sealed by alice (in authd) to the current keys of <paramref name="recipients"/>.</summary>
    public static async Task<byte[]> SealAsync(AuthdClient authd, byte[] inner, string messageId, params string[] recipients)
    {
        var fields = Fields(inner, out var body);
        var keys = new List<EnvelopeRecipient>();
        foreach (var r in recipients)
        {
            var key = await authd.GetCurrentKeyAsync(r, KeyUse.Encrypt) ?? throw new InvalidOperationException($"no key for {r}");
            keys.Add(new EnvelopeRecipient(r, KeyInfoConversions.ToX25519(key)));
        }

        using var output = new MemoryStream();
        await CarrierWriter.WriteMessageAsync(output, fields, new MemoryStream(body), new SealRequest
        {
            Sender = "alice@example.test",
            MessageId = messageId,
            Created = DateTimeOffset.UtcNow,
            Recipients = keys,
        }, await AuthdMessageSigner.CreateAsync(authd, "alice@example.test"));
        return output.ToArray();
    }

    public static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);

    public static bool EndsWith(byte[] haystack, byte[] needle) => haystack.AsSpan().EndsWith(needle);
}
