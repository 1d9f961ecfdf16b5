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

    private Task<byte[]?> FetchAsync(string recipient, string messageId, TimeSpan? wait = null) =>
        mail.Dovecot.FindAsync(recipient, MailSystem.Password, messageId, wait ?? s_wait);

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

    [Fact]
    public async Task SignedOnlyMailArrivesUnchangedWithAPass()
    {
        var id = NewId("signed");
        var signed = await Letters.SignAsync(mail.Authd, Letters.Original(id, "signed only", attachmentSize: 20_000), "bob@example.test");
        var delivered = await SubmitAndFetchAsync(id, signed);
        Assert.True(Letters.EndsWith(delivered, signed));
        Assert.Equal($"{MailSystem.AuthservId}; mailfilter=pass header.from=alice@example.test smtp.mailfrom=alice@example.test", OurResult(delivered));

        // The copy in the mailbox still verifies offline, bound to the envelope Dovecot recorded (Return-Path, Delivered-To).
        var stored = Path.Combine(mail.Directory, id + ".eml");
        await File.WriteAllBytesAsync(stored, delivered);
        var verify = await ProcessRunner.RunAsync(Repo.BuildOutput("src/Cli", "mailfilterctl"), "verify", stored, "--socket", mail.AuthdSocket, "--json");
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
        Assert.Contains("\"envelopeChecked\": true", verify.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFlippedByteInTheEnvelopeIsDeliveredAsReceivedWithAFail()
    {
        var id = NewId("tampered");
        var inner = await Letters.SignAsync(mail.Authd, Letters.Original(id, "tampered", attachmentSize: 50_000), "bob@example.test");
        var carrier = await Letters.SealAsync(mail.Authd, inner, id, "bob@example.test");
        int at = Letters.IndexOf(carrier, "Content-Transfer-Encoding: base64\r\n\r\n"u8) + 40 + 3000;
        carrier[at] = (byte)(carrier[at] == (byte)'A' ? 'B' : 'A');

        var delivered = await SubmitAndFetchAsync(id, carrier);
        Assert.True(Letters.EndsWith(delivered, carrier), "a refused envelope is delivered as received, never as partial plaintext");
        Assert.Matches(@"^mx\.example\.test; mailfilter=fail \(envelope: \w+\) header\.from=alice@example\.test", OurResult(delivered));
        Assert.Equal("[...]", Subject(delivered));
        Assert.Equal(-1, Letters.IndexOf(delivered, "Gr\u00fc\u00dfe"u8));
    }

    [Fact]
    public async Task MailClaimingALocalSenderWithNoOrABadSignatureFailsAndMailFromElsewhereIsNone()
    {
        var forgedId = NewId("forged");
        var forged = await SubmitAndFetchAsync(forgedId, Letters.Original(forgedId, "trust me", attachmentSize: 100), from: "alice@example.test");
        Assert.Equal($"{MailSystem.AuthservId}; mailfilter=fail (no signature from a MailFilter domain) header.from=alice@example.test smtp.mailfrom=alice@example.test", OurResult(forged));

        var badId = NewId("bad-signature");
        var signed = Encoding.UTF8.GetString(await Letters.SignAsync(mail.Authd, Letters.Original(badId, "changed after signing", attachmentSize: 100), "bob@example.test"));
        var bad = await SubmitAndFetchAsync(badId, Encoding.UTF8.GetBytes(signed.Replace("Grüße, Bob", "Grüße, Rob", StringComparison.Ordinal)));
        Assert.Equal($"{MailSystem.AuthservId}; mailfilter=fail (signature: BodyHashMismatch) header.from=alice@example.test smtp.mailfrom=alice@example.test", OurResult(bad));

        var outsideId = NewId("outside");
        var outside = await SubmitAndFetchAsync(outsideId, Letters.Original(outsideId, "hello", from: "someone@elsewhere.example", attachmentSize: 100), from: "someone@elsewhere.example");
        Assert.Equal($"{MailSystem.AuthservId}; mailfilter=none header.from=someone@elsewhere.example smtp.mailfrom=someone@elsewhere.example", OurResult(outside));
    }

    [Fact]
    public async Task AForgedResultClaimingOurAuthservIdIsRemoved()
    {
        var id = NewId("prestamped");
        var message = Encoding.UTF8.GetBytes($"Authentication-Results: {MailSystem.AuthservId}; mailfilter=pass header.from=alice@example.test\r\n")
            .Concat(Letters.Original(id, "pre-stamped", attachmentSize: 100)).ToArray();
        var delivered = await SubmitAndFetchAsync(id, message);
        Assert.StartsWith($"{MailSystem.AuthservId}; mailfilter=fail", OurResult(delivered), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneRecipientsFailureDoesNotTouchAnothers()
    {
        // dave is unknown to Dovecot (its 550 is passed on for him alone); carol is not in the envelope (fail, as received).
        var id = NewId("several");
        var inner = await Letters.SignAsync(mail.Authd, Letters.Original(id, "to several", attachmentSize: 1000), "bob@example.test");
        var carrier = await Letters.SealAsync(mail.Authd, inner, id, "bob@example.test");
        var sent = await mail.Postfix.SendAsync("alice@example.test", ["bob@example.test", "carol@example.test", "dave@example.test"], carrier);
        Assert.True(sent.Accepted, sent.ToString());

        var bob = await FetchAsync("bob@example.test", id) ?? throw new TimeoutException(mail.Postfix.Maillog);
        Assert.True(Letters.EndsWith(bob, inner));
        Assert.StartsWith($"{MailSystem.AuthservId}; mailfilter=pass", OurResult(bob), StringComparison.Ordinal);
        var carol = await FetchAsync("carol@example.test", id) ?? throw new TimeoutException(mail.Postfix.Maillog);
        Assert.True(Letters.EndsWith(carol, carrier));
        Assert.StartsWith($"{MailSystem.AuthservId}; mailfilter=fail (envelope: NoMatchingRecipient)", OurResult(carol), StringComparison.Ordinal);

        var bounced = await WaitForMaillogAsync(new Regex($@"{sent.QueueId}: to=<dave@example\.test>.*status=bounced \(host .* said: 550 5\.1\.1 "));
        Assert.DoesNotMatch($@"{sent.QueueId}: to=<(bob|carol)@example\.test>.*status=(bounced|deferred)", bounced);
        Assert.Matches($@"{sent.QueueId}: to=<bob@example\.test>.*status=sent", bounced);
    }

    [Fact]
    public async Task WhileAuthdIsDownPostfixDefersAndAfterItsRestartTheMessageArrivesOnce()
    {
        var id = NewId("authd-down");
        var inner = await Letters.SignAsync(mail.Authd, Letters.Original(id, "retried", attachmentSize: 1000), "bob@example.test");
        var carrier = await Letters.SealAsync(mail.Authd, inner, id, "bob@example.test");
        await mail.StopAuthdAsync();
        try
        {
            var sent = await mail.Postfix.SendAsync("alice@example.test", ["bob@example.test"], carrier);
            Assert.True(sent.Accepted, sent.ToString());
            await WaitForMaillogAsync(new Regex($@"{sent.QueueId}: to=<bob@example\.test>.*status=deferred \(host .* said: 451 4\.7\.1 "));
            Assert.Null(await FetchAsync("bob@example.test", id, TimeSpan.Zero));
            Assert.Contains(sent.QueueId!, await mail.Postfix.QueueJsonAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await mail.StartAuthdAsync();
        }

        await mail.Postfix.FlushAsync();
        var delivered = await FetchAsync("bob@example.test", id) ?? throw new TimeoutException(mail.Postfix.Maillog);
        Assert.True(Letters.EndsWith(delivered, inner));
        await Task.Delay(2000);
        await mail.Postfix.FlushAsync();
        Assert.NotNull(await FetchAsync("bob@example.test", id, TimeSpan.Zero)); // still exactly once (FetchAsync throws on two)
    }

    [Fact]
    public async Task AKeyRotatedBetweenSealingAndDeliveryStillOpens()
    {
        var id = NewId("rotated");
        var inner = await Letters.SignAsync(mail.Authd, Letters.Original(id, "before the rotation", attachmentSize: 1000), "bob@example.test");
        var carrier = await Letters.SealAsync(mail.Authd, inner, id, "bob@example.test");
        var rotated = await mail.Authd.RotateAsync("bob@example.test", KeyUse.Encrypt);
        Assert.NotEmpty(rotated.Retired);
        await mail.Authd.RotateAsync("alice@example.test", KeyUse.Sign); // the sender's key too: it was valid when it signed

        var delivered = await SubmitAndFetchAsync(id, carrier);
        Assert.True(Letters.EndsWith(delivered, inner));
        Assert.StartsWith($"{MailSystem.AuthservId}; mailfilter=pass", OurResult(delivered), StringComparison.Ordinal);
    }

    private async Task<string> WaitForMaillogAsync(Regex pattern)
    {
        var deadline = DateTime.UtcNow + s_wait;
        while (!pattern.IsMatch(mail.Postfix.Maillog))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no \"{pattern}\" in the maillog:\n{mail.Postfix.Maillog}\nmailfilterd:\n{mail.MailfilterdLog}");
            }

            await Task.Delay(200);
        }

        return mail.Postfix.Maillog;
    }
}
