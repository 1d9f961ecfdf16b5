using System.Security.Cryptography;
using System.Text;
using MailFilter.AuthClient.Protocol;
using MailFilter.Lab;

namespace MailFilter.EndToEnd.Tests;

/// <summary>example.test with alice, bob, carol and dave, started once for <see cref="MailPathTests"/>.</summary>
public sealed class ExampleTest : IAsyncLifetime
{
    public MailDomain Domain { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Domain = await MailDomain.StartAsync("example.test", ["alice@example.test", "bob@example.test", "carol@example.test", "dave@example.test"],
            deliverySettings: "registry_failure = quarantine");

    public async Task DisposeAsync()
    {
        if (Domain is not null)
        {
            await Domain.DisposeAsync();
        }
    }
}

/// <summary>
/// Method M1 on one domain, every part real: alice submits over SMTP with AUTH, mailfilterd (milter) signs and
/// encrypts, Postfix queues ciphertext and hands it to mailfilterd's delivery agent (LMTP), which decrypts, verifies
/// and passes the result to Dovecot; the recipients read with Python's imaplib.
/// </summary>
public sealed class MailPathTests(ExampleTest fixture) : IClassFixture<ExampleTest>
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(90);

    private MailDomain Mail => fixture.Domain;

    [Fact]
    public async Task AMultipartMessageToToCcAndBccIsCiphertextInTheQueueAndArrivesAsSentWithAPassAndNobodySeesTheBcc()
    {
        string id = "e2e-multipart-" + Guid.NewGuid().ToString("N");
        var attachment = RandomNumberGenerator.GetBytes(2 * 1024 * 1024);
        var original = TestMessages.Multipart(id, attachment);
        string[] recipients = ["bob@example.test", "carol@example.test", "dave@example.test"];

        // Held in the queue (defer_transports) until the queue files have been read.
        await Mail.Postfix.HoldDeliveriesAsync("lmtp");
        try
        {
            var sent = await Mail.SubmitAsync("alice@example.test", recipients, original);
            Assert.True(sent.Accepted, sent + "\n" + Mail.Diagnostics);
            var queued = await Mail.Postfix.QueueIdsAsync();
            // bob and carol's message, dave's re-injected copy
            Assert.True(queued.Count == 2, $"{queued.Count} messages queued, not 2:\n{await Mail.Postfix.QueueJsonAsync()}");
            foreach (var queueId in queued)
            {
                var file = await Mail.Postfix.PostcatAsync(queueId);
                Assert.True(TestMessages.Contains(file, "multipart/encrypted"), $"queue file {queueId} is not a carrier");
                Assert.False(TestMessages.Contains(file, "7f3a9c"), $"subject in queue file {queueId}");
                Assert.False(TestMessages.Contains(file, "Zürich"), $"UTF-8 text in queue file {queueId}");
                Assert.False(TestMessages.Contains(file, "c0ffee"), $"body text or HTML in queue file {queueId}");
                Assert.False(TestMessages.Contains(file, "plan.bin"), $"attachment name in queue file {queueId}");
                Assert.All(TestMessages.AttachmentLines(attachment), line => Assert.False(TestMessages.Contains(file, line), $"attachment in queue file {queueId}"));
            }
        }
        finally
        {
            await Mail.Postfix.ReleaseDeliveriesAsync();
        }

        var (_, originalBody) = Delivered.Split(original);
        foreach (var recipient in recipients)
        {
            var copy = await Mail.FindAsync(recipient, id + "@example.test", s_wait) ?? throw new TimeoutException($"nothing for {recipient}\n{Mail.Diagnostics}");
            var (headers, body) = Delivered.Split(copy);
            Assert.True(body.AsSpan().SequenceEqual(originalBody), $"{recipient}'s body differs from what alice sent");
            Assert.Contains($"\r\nSubject: {TestMessages.SubjectText}\r\n", headers, StringComparison.Ordinal);
            Assert.StartsWith("mx.example.test; mailfilter=pass header.from=alice@example.test", Delivered.Result(copy, Mail.Hostname), StringComparison.Ordinal);

            var judged = await Delivered.JudgeAsync(copy);
            Assert.Equal(TestMessages.SubjectText, judged.Subject);
            Assert.Equal(Delivered.Sha256(attachment), judged.Attachments["plan.bin"]);
            Assert.Contains(judged.Texts, t => t.Contains(TestMessages.TextMarker, StringComparison.Ordinal));
            Assert.Contains(judged.Texts, t => t.Contains(TestMessages.HtmlMarker, StringComparison.Ordinal));
            if (recipient != "dave@example.test")
            {
                Assert.False(TestMessages.Contains(copy, "dave@example.test"), $"{recipient}'s copy names dave: {TestMessages.LinesWith(copy, "dave@")}");
                Assert.DoesNotContain("dave", headers, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public async Task ASignedOnlyMessageArrivesByteIdenticalApartFromTheAddedHeadersAndVerifiesWithDkimpyAndMailfilterctl()
    {
        string id = "e2e-signed-" + Guid.NewGuid().ToString("N");
        // The client asks for no encryption; the request header is removed on the way.
        var request = TestMessages.Plain(id, "Bob <bob@example.test>", extraHeaders: "X-MailFilter-Encrypt: never\r\n");
        var original = TestMessages.Plain(id, "Bob <bob@example.test>");
        var sent = await Mail.SubmitAsync("alice@example.test", ["bob@example.test"], request);
        Assert.True(sent.Accepted, sent + "\n" + Mail.Diagnostics);

        var copy = await Mail.FindAsync("bob@example.test", id + "@example.test", s_wait) ?? throw new TimeoutException(Mail.Diagnostics);
        int start = copy.AsSpan().IndexOf("From: Alice"u8);
        Assert.True(start > 0);
        Assert.True(copy.AsSpan(start).SequenceEqual(original), "the message is not the original below the added headers:\n" + Encoding.UTF8.GetString(copy));
        var added = Delivered.FieldNames(Encoding.UTF8.GetString(copy, 0, start));
        // alice has not registered her address (docs/registry.md): the register stage says so.
        Assert.Equal(["Authentication-Results", "Delivered-To", "MailFilter-Signature", "Received", "Return-Path", "X-MailFilter-Trace", "X-Registered"], added.Distinct().Order(StringComparer.Ordinal));
        Assert.Contains("\r\nX-Registered: No\r\n", Encoding.UTF8.GetString(copy, 0, start), StringComparison.Ordinal);
        Assert.StartsWith("mx.example.test; mailfilter=pass", Delivered.Result(copy, Mail.Hostname), StringComparison.Ordinal);

        var eml = Path.Combine(Mail.Directory, id + ".eml");
        await File.WriteAllBytesAsync(eml, copy);
        var alice = await Mail.Authd.GetCurrentKeyAsync("alice@example.test", KeyUse.Sign, create: false);
        var dkim = await ProcessRunner.RunAsync("/usr/bin/python3", Path.Combine(Repo.Root, "tests/Crypto.Tests/TestData/scripts/dkim_verify.py"), eml, Convert.ToBase64String(alice!.PublicKey));
        Assert.Equal("PASS", dkim.EnsureSuccess("dkim_verify.py").Stdout.Trim());
        var verify = await ProcessRunner.RunAsync(Repo.BuildOutput("src/Cli", "mailfilterctl"), "verify", eml, "--socket", Mail.AuthdSocket);
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
        Assert.Contains("pass", verify.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEnvelopeAlteredOnTheWayIsDeliveredAsReceivedWithAFailAndAForgedAliceFails()
    {
        // alice's real message, taken off the queue, one byte of its envelope changed, sent again from outside.
        string id = "e2e-tampered-" + Guid.NewGuid().ToString("N");
        var original = TestMessages.Plain(id, "Bob <bob@example.test>", subject: "tamper with me (7f3a9c)");
        byte[] carrier;
        await Mail.Postfix.HoldDeliveriesAsync("lmtp");
        try
        {
            var sent = await Mail.SubmitAsync("alice@example.test", ["bob@example.test"], original);
            Assert.True(sent.Accepted, sent + "\n" + Mail.Diagnostics);
            var result = await ProcessRunner.RunAsync("/usr/sbin/postcat", "-c", Mail.Postfix.ConfigDirectory, "-hb", "-q", sent.QueueId!);
            carrier = TestMessages.ToCrlf(result.EnsureSuccess("postcat -hb").StdoutBytes);
            (await ProcessRunner.RunAsync("/usr/sbin/postsuper", "-c", Mail.Postfix.ConfigDirectory, "-d", sent.QueueId!)).EnsureSuccess("postsuper -d");
        }
        finally
        {
            await Mail.Postfix.ReleaseDeliveriesAsync();
        }

        // The envelope is the base64 of the second part: change one character in the middle of it.
        int part = carrier.AsSpan().IndexOf("Content-Type: application/octet-stream"u8);
        Assert.True(part > 0, Encoding.UTF8.GetString(carrier));
        int start = part + carrier.AsSpan(part).IndexOf("\r\n\r\n"u8) + 4;
        int end = start + carrier.AsSpan(start).IndexOf("\r\n--"u8);
        int flip = (start + end) / 2;
        flip += carrier[flip] is (byte)'\r' or (byte)'\n' ? 3 : 0;
        carrier[flip] = carrier[flip] == (byte)'A' ? (byte)'B' : (byte)'A';
        var window = carrier[(flip - 30)..(flip + 30)];
        var outside = await SmtpClientLite.SendAsync("127.0.0.1", Mail.Postfix.SmtpPort, "alice@example.test", ["bob@example.test"], carrier, source: "127.0.0.2");
        Assert.True(outside.Accepted, outside.ToString());

        var tampered = await WaitForAsync("bob@example.test", m => m.AsSpan().IndexOf(window) >= 0);
        Assert.StartsWith("mx.example.test; mailfilter=fail (envelope", Delivered.Result(tampered, Mail.Hostname), StringComparison.Ordinal);
        Assert.True(TestMessages.Contains(tampered, "multipart/encrypted"), "not delivered as received");
        Assert.False(TestMessages.Contains(tampered, "7f3a9c"), "plaintext of a tampered envelope delivered");

        // Unsigned mail from outside claiming alice fails; mail from another domain is none.
        string forgedId = "e2e-forged-" + Guid.NewGuid().ToString("N");
        var forged = await SmtpClientLite.SendAsync("127.0.0.1", Mail.Postfix.SmtpPort, "alice@example.test", ["bob@example.test"],
            TestMessages.Plain(forgedId, "bob@example.test", subject: "please pay"), source: "127.0.0.2");
        Assert.True(forged.Accepted, forged.ToString());
        var forgedCopy = await Mail.FindAsync("bob@example.test", forgedId + "@example.test", s_wait) ?? throw new TimeoutException(Mail.Diagnostics);
        Assert.StartsWith("mx.example.test; mailfilter=fail", Delivered.Result(forgedCopy, Mail.Hostname), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AForgedRegisteredClaimFromOutsideIsQuarantinedInItsFolder()
    {
        // Stamps copied into a message from outside: the registry of example.test has no such number.
        string id = "e2e-phish-" + Guid.NewGuid().ToString("N");
        var number = MailFilter.AuthClient.Registry.ConfirmationNumber.Create(DateTimeOffset.UtcNow, "alice@example.test").ToString();
        var stamps = Encoding.ASCII.GetBytes($"X-Registered: Yes\r\nX-Confirmation-No: {number}\r\n"
            + "MailFilter-Signature: v=1; a=ed25519-sha256; b=" + new string('A', 86) + "==\r\n");
        var phish = await SmtpClientLite.SendAsync("127.0.0.1", Mail.Postfix.SmtpPort, "alice@example.test", ["bob@example.test"],
            [.. stamps, .. TestMessages.Plain(id, "bob@example.test", subject: "new bank details")], source: "127.0.0.2");
        Assert.True(phish.Accepted, phish.ToString());

        var quarantined = await Mail.FindAsync("bob@example.test", id + "@example.test", s_wait, folder: "Quarantine")
            ?? throw new TimeoutException("not in bob's Quarantine folder\n" + Mail.Diagnostics);
        Assert.EndsWith("; mailfilter-registry=fail (not registered)", Delivered.Result(quarantined, Mail.Hostname), StringComparison.Ordinal);
        Assert.True(TestMessages.Contains(quarantined, "Subject: [SUSPECTED PHISHING] new bank details"), Encoding.UTF8.GetString(quarantined));
        Assert.True(TestMessages.Contains(quarantined, "X-MailFilter-Warning: this message claims to be registered mail"), Encoding.UTF8.GetString(quarantined));
        Assert.Null(await Mail.FindAsync("bob@example.test", id + "@example.test", TimeSpan.Zero));
        Assert.Contains("registry=fail (not registered): suspected phishing, handled as quarantine", Mail.FilterLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysRotatedBetweenSendingAndDeliveryStillOpenTheMessage()
    {
        string id = "e2e-rotated-" + Guid.NewGuid().ToString("N");
        var original = TestMessages.Plain(id, "carol@example.test", subject: "before the rotation");
        await Mail.Postfix.HoldDeliveriesAsync("lmtp");
        try
        {
            var sent = await Mail.SubmitAsync("alice@example.test", ["carol@example.test"], original);
            Assert.True(sent.Accepted, sent + "\n" + Mail.Diagnostics);
            Assert.NotEmpty((await Mail.Authd.RotateAsync("carol@example.test", KeyUse.Encrypt)).Retired);
            Assert.NotEmpty((await Mail.Authd.RotateAsync("alice@example.test", KeyUse.Sign)).Retired);
        }
        finally
        {
            await Mail.Postfix.ReleaseDeliveriesAsync();
        }

        var copy = await Mail.FindAsync("carol@example.test", id + "@example.test", s_wait) ?? throw new TimeoutException(Mail.Diagnostics);
        Assert.True(copy.AsSpan().EndsWith(Delivered.Split(original).Body));
        Assert.StartsWith("mx.example.test; mailfilter=pass", Delivered.Result(copy, Mail.Hostname), StringComparison.Ordinal);
    }

    private async Task<byte[]> WaitForAsync(string address, Func<byte[], bool> match)
    {
        var deadline = DateTime.UtcNow + s_wait;
        while (true)
        {
            var found = (await Mail.MailboxAsync(address)).Where(match).ToList();
            if (found.Count > 0)
            {
                return Assert.Single(found);
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(Mail.Diagnostics);
            }

            await Task.Delay(200);
        }
    }
}
