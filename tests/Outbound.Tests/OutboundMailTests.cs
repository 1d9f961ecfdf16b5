using System.Security.Cryptography;
using System.Text;
using MailFilter.AuthClient.Protocol;
using MailFilter.Crypto.Signature;
using MailFilter.Lab;
using MailFilter.Outbound.Tests.Support;

namespace MailFilter.Outbound.Tests;

/// <summary>
/// The outbound half of issue 5 through the real mail path: a client submits to Postfix, mailfilterd signs
/// and encrypts at end of message with keys from mailfilter-authd (on PostgreSQL), Postfix queues and
/// delivers. What is checked is what leaves: the queue files and the delivered bytes.
/// </summary>
[Collection(OutboundCollection.Name)]
public sealed class OutboundMailTests(PostgresFixture pg)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AMultipartSubmissionWithBccIsQueuedAsCiphertextAndEveryCopyOpensToTheOriginalWithoutNamingTheBcc()
    {
        // defer_transports holds the mail in the queue (deferred) until the test has read the queue files.
        await using var lab = await OutboundLab.StartAsync(pg, mainCf: new Dictionary<string, string> { ["defer_transports"] = "dump" });
        var attachment = RandomNumberGenerator.GetBytes(2 * 1024 * 1024);
        var original = TestMessages.Multipart("bcc-multipart", attachment);

        var sent = await lab.SubmitAsync(["bob@example.test", "carol@example.test", "dave@example.test"], original);
        Assert.True(sent.Accepted, sent + "\n" + lab.Diagnostics);

        // The queue: the original (bob, carol) and dave's re-injected copy, each only ciphertext.
        var queued = await lab.Postfix.QueueIdsAsync();
        Assert.Equal(2, queued.Count);
        foreach (var id in queued)
        {
            var file = await lab.Postfix.PostcatAsync(id);
            Assert.True(TestMessages.Contains(file, "multipart/encrypted"), "queue file " + id + " is not a carrier");
            Assert.False(TestMessages.Contains(file, "7f3a9c"), "subject in queue file " + id);
            Assert.False(TestMessages.Contains(file, "Zürich"), "UTF-8 text in queue file " + id);
            Assert.False(TestMessages.Contains(file, "c0ffee"), "body text or HTML in queue file " + id);
            Assert.False(TestMessages.Contains(file, "plan.bin"), "attachment name in queue file " + id);
            Assert.All(TestMessages.AttachmentLines(attachment), line => Assert.False(TestMessages.Contains(file, line), "attachment bytes in queue file " + id));
            Assert.Contains("Subject: [...]", Encoding.UTF8.GetString(file), StringComparison.Ordinal);
        }

        await lab.Postfix.ReleaseDeliveriesAsync();
        var delivered = await lab.Postfix.WaitForDeliveriesAsync(3, s_wait);
        Assert.Equal(3, delivered.Count);
        var byRecipient = delivered.ToDictionary(f => Path.GetFileName(f)[(Path.GetFileName(f).IndexOf('.', StringComparison.Ordinal) + 1)..]);
        Assert.Equal(["bob@example.test", "carol@example.test", "dave@example.test"], byRecipient.Keys.Order(StringComparer.Ordinal));

        foreach (var (recipient, path) in byRecipient)
        {
            var outer = TestMessages.ToCrlf(await File.ReadAllBytesAsync(path));
            var (headers, ageFile) = Carrier.Split(outer);
            Assert.Contains("Subject: [...]\r\n", headers, StringComparison.Ordinal);
            Assert.DoesNotContain("X-MailFilter-Reinjected", headers, StringComparison.OrdinalIgnoreCase);

            var (inner, opened) = await Carrier.OpenAsync(ageFile, lab.Authd, recipient);
            AssertIsOriginalPlusSignature(inner, original);
            var verified = await VerifyAsync(lab, inner, recipient);
            Assert.Equal(SignatureHeaderStatus.Pass, verified.Status);

            var sealedFor = opened.Manifest.Recipients.Select(r => r.Address).Order(StringComparer.Ordinal).ToList();
            if (recipient == "dave@example.test")
            {
                Assert.Equal(["bob@example.test", "carol@example.test", "dave@example.test"], sealedFor);
            }
            else
            {
                // Nobody's copy reveals dave: not the outer message, not the inner one, not the manifest.
                Assert.Equal(["bob@example.test", "carol@example.test"], sealedFor);
                // (Bare "dave" turns up by chance in 3 MB of random base64: look for the address.)
                Assert.DoesNotContain("dave", headers, StringComparison.OrdinalIgnoreCase);
                Assert.False(TestMessages.Contains(outer, "dave@example.test"), recipient + "'s delivered copy names dave: " + TestMessages.LinesWith(outer, "dave@"));
                Assert.False(TestMessages.Contains(inner, "dave@example.test"), recipient + "'s decrypted copy names dave");
                Assert.DoesNotContain("dave", Encoding.UTF8.GetString(inner.AsSpan(0, inner.AsSpan().IndexOf("\r\n\r\n"u8))), StringComparison.OrdinalIgnoreCase);
            }
        }

        // dave's copy also opens with age(1) and the secret key exported from authd (the emergency path).
        var secret = (await lab.Authd.ExportSecretAsync("dave@example.test")).Identities[0].Identity;
        var identity = Path.Combine(lab.Directory, "dave.key");
        await File.WriteAllTextAsync(identity, secret + "\n");
        var daveAge = Carrier.Split(TestMessages.ToCrlf(await File.ReadAllBytesAsync(byRecipient["dave@example.test"]))).AgeFile;
        var age = await ProcessRunner.RunAsync("/usr/bin/age", ["-d", "-i", identity], daveAge);
        age.EnsureSuccess("age -d");
        AssertIsOriginalPlusSignature(Carrier.ContainerContent(age.StdoutBytes), original);
        Assert.Contains("bcc-copies=1", lab.FilterLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignedOnlyMailVerifiesWithDkimpyAndIsByteIdenticalApartFromTheAddedHeaders()
    {
        await using var lab = await OutboundLab.StartAsync(pg, policy: "encrypt = never");
        var original = TestMessages.Plain("signed-only", "Bob <bob@example.test>");
        var sent = await lab.SubmitAsync(["bob@example.test", "dave@example.test"], original);
        Assert.True(sent.Accepted, sent + "\n" + lab.Diagnostics);

        var delivered = await lab.Postfix.WaitForDeliveriesAsync(2, s_wait);
        var alice = await lab.Authd.GetCurrentKeyAsync("alice@example.test", KeyUse.Sign, create: false);
        Assert.NotNull(alice);
        foreach (var path in delivered)
        {
            string recipient = Path.GetFileName(path)[(Path.GetFileName(path).IndexOf('.', StringComparison.Ordinal) + 1)..];
            var message = TestMessages.WithoutFirstReceived(TestMessages.ToCrlf(await File.ReadAllBytesAsync(path)));

            // Added at the top, in this order: the trace header (original only), the signature; nothing else changed.
            var rest = message;
            if (recipient == "bob@example.test")
            {
                Assert.True(rest.AsSpan().StartsWith("X-MailFilter-Trace: "u8), Encoding.UTF8.GetString(rest));
                rest = SkipField(rest);
            }

            rest = Unstamped(rest);
            Assert.True(rest.AsSpan().StartsWith("MailFilter-Signature: "u8), Encoding.UTF8.GetString(rest));
            Assert.Equal(original, SkipField(rest));
            Assert.True(recipient == "dave@example.test" || !TestMessages.Contains(message, "dave"), TestMessages.LinesWith(message, "dave"));

            var verified = await VerifyAsync(lab, message, recipient);
            Assert.Equal(SignatureHeaderStatus.Pass, verified.Status);

            var eml = Path.Combine(lab.Directory, recipient + ".eml");
            await File.WriteAllBytesAsync(eml, message);
            var dkim = await ProcessRunner.RunAsync("/usr/bin/python3", [Path.Combine(Repo.Root, "tests/Crypto.Tests/TestData/scripts/dkim_verify.py"), eml, Convert.ToBase64String(alice.PublicKey)]);
            Assert.Equal("PASS", dkim.EnsureSuccess("dkim_verify.py").Stdout.Trim());
        }
    }

    [Fact]
    public async Task RequiredEncryptionWithAKeylessRecipientIsRefusedWith550NamingItAndNothingIsQueued()
    {
        await using var lab = await OutboundLab.StartAsync(pg, policy: "encrypt = required");
        var sent = await lab.SubmitAsync(["bob@example.test", "zed@example.net"], TestMessages.Plain("required", "bob@example.test, zed@example.net"));
        Assert.Equal(("data", 550), (sent.Stage, sent.Code));
        Assert.Contains("5.7.1 no encryption key for: zed@example.net", sent.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("bob@", sent.Text, StringComparison.Ordinal);
        Assert.Empty(await lab.Postfix.QueueIdsAsync());
    }

    [Fact]
    public async Task WithAuthdStoppedTheClientGetsA4xxReplyAndNothingIsQueued()
    {
        await using var lab = await OutboundLab.StartAsync(pg);
        await lab.StopAuthdAsync();
        var sent = await lab.SubmitAsync(["bob@example.test"], TestMessages.Plain("authd-down", "bob@example.test"));
        Assert.Equal(("data", 451), (sent.Stage, sent.Code));
        Assert.StartsWith("4.7.1", sent.Text, StringComparison.Ordinal);
        Assert.Empty(await lab.Postfix.QueueIdsAsync());

        // After a restart the client's retry goes through, encrypted.
        await lab.StartAuthdAsync();
        var retry = await lab.SubmitAsync(["bob@example.test"], TestMessages.Plain("authd-down", "bob@example.test"));
        Assert.True(retry.Accepted, retry.ToString());
        var delivered = await lab.Postfix.WaitForDeliveriesAsync(1, s_wait);
        Assert.True(TestMessages.Contains(await File.ReadAllBytesAsync(delivered[0]), "multipart/encrypted"));
    }

    [Fact]
    public async Task AForgedReinjectionHeaderDoesNotBypassThePipeline()
    {
        await using var lab = await OutboundLab.StartAsync(pg);
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var forged = $"X-MailFilter-Reinjected: v=1; t={now}; h={Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}\r\n";
        var original = TestMessages.Plain("forged", "bob@example.test", extraHeaders: forged);
        var sent = await lab.SubmitAsync(["bob@example.test"], original);
        Assert.True(sent.Accepted, sent + "\n" + lab.Diagnostics);

        var delivered = await lab.Postfix.WaitForDeliveriesAsync(1, s_wait);
        var outer = TestMessages.ToCrlf(await File.ReadAllBytesAsync(delivered[0]));
        Assert.False(TestMessages.Contains(outer, "X-MailFilter-Reinjected"));
        var (inner, _) = await Carrier.OpenAsync(Carrier.Split(outer).AgeFile, lab.Authd, "bob@example.test");
        Assert.False(TestMessages.Contains(inner, "X-MailFilter-Reinjected"));
        Assert.True(Unstamped(inner).AsSpan().StartsWith("MailFilter-Signature: "u8));
        Assert.Contains("X-MailFilter-Reinjected header that does not verify", lab.FilterLog, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("alice@example.test")] // claims a local sender: not signed (the delivery agent fails it)
    [InlineData("mallory@example.net")]
    public async Task MailFromAnUnauthenticatedOutsideClientPassesUntouched(string from)
    {
        await using var lab = await OutboundLab.StartAsync(pg);
        var original = TestMessages.Plain("outside-" + from.Split('@')[0], "bob@example.test");
        var sent = await SmtpClientLite.SendAsync("127.0.0.1", lab.Postfix.SmtpPort, from, ["bob@example.test"], original, source: "127.0.0.2");
        Assert.True(sent.Accepted, sent + "\n" + lab.Diagnostics);
        var delivered = await lab.Postfix.WaitForDeliveriesAsync(1, s_wait);
        Assert.Equal(original, TestMessages.WithoutFirstReceived(TestMessages.ToCrlf(await File.ReadAllBytesAsync(delivered[0]))));
        Assert.Null(await lab.Authd.GetCurrentKeyAsync("bob@example.test", KeyUse.Encrypt, create: false));
    }

    [Fact]
    public async Task LocalSubmissionThroughSendmailIsSignedAndEncrypted()
    {
        await using var lab = await OutboundLab.StartAsync(pg);
        var original = TestMessages.Plain("sendmail", "bob@example.test");
        (await lab.Postfix.SendmailAsync("alice@example.test", ["bob@example.test"], original)).EnsureSuccess("sendmail");
        var delivered = await lab.Postfix.WaitForDeliveriesAsync(1, s_wait);
        var (inner, _) = await Carrier.OpenAsync(Carrier.Split(TestMessages.ToCrlf(await File.ReadAllBytesAsync(delivered[0]))).AgeFile, lab.Authd, "bob@example.test");
        Assert.True(Unstamped(inner).AsSpan().StartsWith("MailFilter-Signature: "u8));
    }

    [Fact]
    public async Task KeysRotatedBetweenTwoMessagesAreUsedForTheSecondWithoutATempfail()
    {
        await using var lab = await OutboundLab.StartAsync(pg);
        Assert.True((await lab.SubmitAsync(["bob@example.test"], TestMessages.Plain("before-rotation", "bob@example.test"))).Accepted);
        var oldBob = (await lab.Authd.GetCurrentKeyAsync("bob@example.test", KeyUse.Encrypt, create: false))!.Kid;

        // mailfilterd still holds the old keys in its cache: the signing key must be refused by authd and
        // replaced at once; the old encryption key still opens (it is retired, not revoked).
        await lab.Authd.RotateAsync("alice@example.test");
        await lab.Authd.RotateAsync("bob@example.test");
        var sent = await lab.SubmitAsync(["bob@example.test"], TestMessages.Plain("after-rotation", "bob@example.test"));
        Assert.True(sent.Accepted, sent + "\n" + lab.Diagnostics);

        var delivered = await lab.Postfix.WaitForDeliveriesAsync(2, s_wait);
        foreach (var path in delivered)
        {
            var (inner, opened) = await Carrier.OpenAsync(Carrier.Split(TestMessages.ToCrlf(await File.ReadAllBytesAsync(path))).AgeFile, lab.Authd, "bob@example.test");
            Assert.Equal(SignatureHeaderStatus.Pass, (await VerifyAsync(lab, inner, "bob@example.test")).Status);
            Assert.Equal(oldBob, opened.RecipientKid.ToString());
        }

        var alice = await lab.Authd.GetCurrentKeyAsync("alice@example.test", KeyUse.Sign, create: false);
        var second = TestMessages.ToCrlf(await File.ReadAllBytesAsync(delivered.Single(p => TestMessages.Contains(TestMessages.ToCrlf(File.ReadAllBytes(p)), "Message-ID: <after-rotation@"))));
        var (secondInner, secondOpened) = await Carrier.OpenAsync(Carrier.Split(second).AgeFile, lab.Authd, "bob@example.test");
        Assert.Equal(alice!.Kid, secondOpened.Manifest.SenderKid.ToString());
        Assert.Contains("s=" + alice.Kid, Encoding.UTF8.GetString(secondInner).Replace("\r\n\t", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARecipientOfAnotherDomainIsEncryptedToWithTheKeyItsServerPublishes()
    {
        await using var peer = await AuthdInstance.StartAsync(new AuthdOptions { Postgres = pg.Postgres, Database = await pg.NewDatabaseAsync(), LocalDomains = "example.net" });
        var zed = await peer.Client.GetCurrentKeyAsync("zed@example.net", KeyUse.Encrypt, create: true);
        await using var lab = await OutboundLab.StartAsync(pg, policy: "encrypt = required",
            authdExtra: $"[discovery]\nexample.net = http://127.0.0.1:{peer.PublicPort}\n");
        var original = TestMessages.Plain("remote", "zed@example.net");
        var sent = await lab.SubmitAsync(["zed@example.net", "nokey@example.org"], original);
        Assert.Equal(("data", 550), (sent.Stage, sent.Code)); // example.org has no server: no key
        Assert.Contains("no encryption key for: nokey@example.org", sent.Text, StringComparison.Ordinal);

        sent = await lab.SubmitAsync(["zed@example.net"], original);
        Assert.True(sent.Accepted, sent + "\n" + lab.Diagnostics);
        var delivered = await lab.Postfix.WaitForDeliveriesAsync(1, s_wait);
        var (inner, opened) = await Carrier.OpenAsync(Carrier.Split(TestMessages.ToCrlf(await File.ReadAllBytesAsync(delivered[0]))).AgeFile, peer.Client, "zed@example.net", lab.Authd);
        Assert.Equal(zed!.Kid, opened.RecipientKid.ToString());
        AssertIsOriginalPlusSignature(inner, original);
    }

    private static void AssertIsOriginalPlusSignature(byte[] inner, byte[] original)
    {
        inner = Unstamped(inner);
        Assert.True(inner.AsSpan().StartsWith("MailFilter-Signature: "u8), Encoding.UTF8.GetString(inner.AsSpan(0, Math.Min(400, inner.Length))));
        Assert.Equal(original.Length, SkipField(inner).Length);
        Assert.True(SkipField(inner).AsSpan().SequenceEqual(original), "the inner message is not the original plus the signature");
    }

    /// <summary>The message without the register stage's <c>X-Registered: No</c> (docs/registry.md §5: a sender that is not a
    /// confirmed registered address gets it; these tests' senders are not registered). It is at the top of the original and
    /// below the own signature of a Bcc copy.</summary>
    private static byte[] Unstamped(byte[] message)
    {
        var stamp = "X-Registered: No\r\n"u8;
        int at = message.AsSpan().IndexOf(stamp);
        int headerEnd = message.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.True(at >= 0 && at < headerEnd && (at == 0 || message[at - 1] == (byte)'\n'), "no X-Registered: No stamp in the header");
        return [.. message.AsSpan(0, at), .. message.AsSpan(at + stamp.Length)];
    }

    /// <summary>The message after its first header field (with its folded lines).</summary>
    private static byte[] SkipField(byte[] message)
    {
        int pos = 0;
        while (true)
        {
            pos += message.AsSpan(pos).IndexOf((byte)'\n') + 1;
            if (pos >= message.Length || (message[pos] != (byte)' ' && message[pos] != (byte)'\t'))
            {
                return message[pos..];
            }
        }
    }

    private static async Task<SignatureHeaderResult> VerifyAsync(OutboundLab lab, byte[] message, string recipient)
    {
        var (fields, body) = Fields(message);
        var verifier = new SignatureHeaderVerifier(new MailFilter.AuthClient.AuthdSigningKeyResolver(lab.Authd));
        return await verifier.VerifyAsync(fields, new MemoryStream(body), new DeliveryEnvelope("alice@example.test", recipient));
    }

    private static (List<HeaderField> Fields, byte[] Body) Fields(byte[] message)
    {
        var fields = new List<HeaderField>();
        int pos = 0;
        while (!message.AsSpan(pos).StartsWith("\r\n"u8))
        {
            int start = pos;
            do
            {
                pos += message.AsSpan(pos).IndexOf("\r\n"u8) + 2;
            }
            while (message[pos] is (byte)' ' or (byte)'\t');
            var field = message.AsSpan(start, pos - start - 2);
            int colon = field.IndexOf((byte)':');
            fields.Add(new HeaderField(Encoding.ASCII.GetString(field[..colon]), field[(colon + 1)..].ToArray()));
        }

        return (fields, message[(pos + 2)..]);
    }
}
