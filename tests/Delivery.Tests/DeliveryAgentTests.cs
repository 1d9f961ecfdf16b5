using System.Text;
using System.Text.RegularExpressions;
using MailFilter.AuthClient.Protocol;
using MailFilter.Lab;
using MailFilter.Mime;

namespace MailFilter.Delivery.Tests;

/// <summary>
/// The delivery agent in the real mail path: an SMTP client submits to Postfix, Postfix hands the message to
/// mailfilterd's LMTP listener, mailfilterd opens and verifies with keys in mailfilter-authd (on PostgreSQL) and
/// hands the result to Dovecot, and Python's imaplib reads it back. Messages are signed and sealed with the
/// project's own writer and keys from authd, as the outbound stages do.
/// </summary>
public sealed partial class DeliveryAgentTests(MailSystem mail) : IClassFixture<MailSystem>
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);

    private static string NewId(string tag) => $"{tag}.{Guid.NewGuid():N}@example.test";

    private async Task<byte[]> SubmitAndFetchAsync(string messageId, byte[] message, string recipient = "bob@example.test", string from = "alice@example.test")
    {
        var sent = await mail.Postfix.SendAsync(from, [recipient], message);
        Assert.True(sent.Accepted, sent.ToString());
        return await FetchAsync(recipient, messageId) ?? throw new TimeoutException(
            $"{messageId} did not arrive for {recipient}; maillog:\n{mail.Postfix.Maillog}\nmailfilterd:\n{mail.MailfilterdLog}");
    }

    private async Task<byte[]?> FetchAsync(string recipient, string messageId, TimeSpan? wait = null)
    {
        var deadline = DateTime.UtcNow + (wait ?? s_wait);
        var marker = Encoding.ASCII.GetBytes($"Message-ID: <{messageId}>");
        while (true)
        {
            var found = (await mail.Dovecot.FetchAsync(recipient, MailSystem.Password)).Where(m => m.AsSpan().IndexOf(marker) >= 0).ToList();
            if (found.Count > 0 || DateTime.UtcNow > deadline)
            {
                return found.Count switch
                {
                    0 => null,
                    1 => found[0],
                    _ => throw new InvalidOperationException($"{messageId} arrived {found.Count} times"),
                };
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Our Authentication-Results field, unfolded (RFC 5322 §2.2.3).</summary>
    private static string OurResult(byte[] delivered)
    {
        using var parsed = MimeMessage.Load(delivered);
        var ours = parsed.Headers.FindAll("Authentication-Results").Where(h => h.Value.StartsWith(MailSystem.AuthservId + ";", StringComparison.Ordinal)).ToList();
        return Assert.Single(ours).Value;
    }

    private static string Subject(byte[] delivered)
    {
        using var parsed = MimeMessage.Load(delivered);
        return parsed.Subject ?? string.Empty;
    }

    [Fact]
    public async Task AnEnvelopeForBobArrivesDecryptedByteForByteWithAPassAndTheOriginalSubject()
    {
        var id = NewId("sealed");
        var inner = await Letters.SignAsync(mail.Authd, Letters.Original(id, "Quarterly plan — Grüße"), "bob@example.test");
        var carrier = await Letters.SealAsync(mail.Authd, inner, id, "bob@example.test");
        Assert.Equal(-1, Letters.IndexOf(carrier, "Quarterly"u8));

        var delivered = await SubmitAndFetchAsync(id, carrier);
        Assert.True(Letters.EndsWith(delivered, inner), "the inner message must arrive byte for byte below the added trace and result fields");
        Assert.Equal($"{MailSystem.AuthservId}; mailfilter=pass header.from=alice@example.test smtp.mailfrom=alice@example.test", OurResult(delivered));
        Assert.Equal("Quarterly plan — Grüße", Subject(delivered));
        Assert.Matches("to=<bob@example.test> from=<alice@example.test> result=pass reason=- decrypted=yes store=dovecot reply=250 2.0.0", mail.MailfilterdLog);
    }
}
