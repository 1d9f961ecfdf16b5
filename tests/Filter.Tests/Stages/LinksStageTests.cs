using System.Security.Cryptography;
using System.Text;
using MailFilter.Crypto.Signature;
using MailFilter.Filter.Configuration;
using MailFilter.Filter.Milter.Stages;
using MailFilter.Mime;

namespace MailFilter.Filter.Tests.Stages;

public sealed class LinksStageTests : IAsyncLifetime
{
    private const string Bob = "bob@example.test";
    private const string Carol = "carol@example.test";

    private static readonly byte[] s_big = Bytes(300_000, 1);
    private static readonly byte[] s_umlaut = Bytes(200_000, 2);
    private static readonly byte[] s_small = Bytes(1_000, 3);

    private readonly StageHarness _h;
    private readonly FakeAttachmentStore _store = new();

    public LinksStageTests()
    {
        _h = new StageHarness(Policy("over 100K")) { Store = _store };
    }

    // xUnit 2 disposes a test class through IDisposable or IAsyncLifetime, not IAsyncDisposable.
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _h.DisposeAsync().AsTask();

    internal static PolicySettings Policy(string links, EncryptPolicy encrypt = EncryptPolicy.Never, LinksStoreFailure failure = LinksStoreFailure.Tempfail)
    {
        Assert.True(LinksPolicy.TryParse(links, out var l));
        return new PolicySettings
        {
            LocalDomains = new HashSet<string>(["example.test"], StringComparer.OrdinalIgnoreCase),
            Default = new PolicyRule(SignPolicy.Always, encrypt) { Links = l, LinksStoreFailure = failure },
        };
    }

    internal static byte[] Bytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    internal static string Sha(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    internal static string Base64Lines(byte[] data) =>
        string.Join("\r\n", Convert.ToBase64String(data).Chunk(76).Select(c => new string(c))) + "\r\n";

    internal const string TextPart = "Content-Type: text/plain; charset=utf-8\r\n\r\nHello Bob,\r\nthe files.\r\n";

    internal static string PdfPart(byte[] data) =>
        "Content-Type: application/pdf; name=\"big.pdf\"\r\nContent-Disposition: attachment; filename=\"big.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + Base64Lines(data);

    internal static string UmlautPart(byte[] data) =>
        "Content-Type: application/octet-stream\r\nContent-Disposition: attachment;\r\n filename*=UTF-8''Bericht%20%C3%9C.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" + Base64Lines(data);

    internal static string SmallPart(byte[] data) =>
        "Content-Type: image/png; name=\"small.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + Base64Lines(data);

    internal static string Mail(string to, string extraHeaders, params string[] parts) =>
        $"From: Alice <alice@example.test>\r\nTo: {to}\r\nSubject: files\r\nMessage-ID: <links1@example.test>\r\nDate: Sat, 21 Nov 2026 07:00:00 +0000\r\n{extraHeaders}" +
        "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"outer\"\r\n\r\npreamble\r\n" +
        string.Concat(parts.Select(p => "--outer\r\n" + p)) + "--outer--\r\nepilogue\r\n";

    private static string Body(byte[] message)
    {
        string text = Encoding.UTF8.GetString(message);
        return text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
    }

    [Fact]
    public async Task EachRecipientGetsACopyWithItsOwnLinksAndTheOtherPartsStayByteIdentical()
    {
        string mail = Mail($"Bob <{Bob}>, {Carol}", string.Empty, TextPart, PdfPart(s_big), UmlautPart(s_umlaut), SmallPart(s_small));
        var outcome = await _h.RunAsync(mail, [Bob, Carol]);

        Assert.Equal("continue", outcome.Verdict);
        Assert.Equal([Bob], outcome.Recipients); // carol's copy was re-injected
        var (sender, recipient, copy) = Assert.Single(_h.Reinjected);
        Assert.Equal(("alice@example.test", Carol), (sender, recipient));
        Assert.Equal([Sha(s_big), Sha(s_umlaut)], _store.Put);
        var grant = Assert.Single(_store.Grants);
        Assert.Equal([Bob, Carol], grant.Recipients);
        Assert.Equal(["big.pdf", "Bericht Ü.pdf"], grant.Files.Select(f => f.FileName));
        Assert.Equal([300_000L, 200_000L], grant.Files.Select(f => f.Size));
        Assert.False(grant.Encrypted);
        Assert.All(grant.Files, f => Assert.Equal("pinned", f.Follow));
        Assert.Equal("<links1@example.test>", grant.MessageId);
        Assert.Equal("QID1", grant.QueueId);

        foreach (var (message, who, other) in new[] { (outcome.Message!, Bob, Carol), (copy, Carol, Bob) })
        {
            string body = Body(message);
            foreach (var part in new[] { TextPart, SmallPart(s_small) })
            {
                Assert.Contains("--outer\r\n" + part, body, StringComparison.Ordinal); // delimiter and part as sent
            }

            Assert.StartsWith("preamble\r\n", body, StringComparison.Ordinal);
            Assert.EndsWith("--outer--\r\nepilogue\r\n", body, StringComparison.Ordinal);
            using var parsed = MimeMessage.Load(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(message)));
            var root = Assert.IsType<Multipart>(parsed.Root);
            var block = Assert.IsType<Multipart>(root[0]);
            Assert.Equal("multipart/alternative", block.ContentType.MimeType);
            string plain = ((MimePart)block[0]).GetText();
            string html = ((MimePart)block[1]).GetText();
            foreach (var (data, name) in new[] { (s_big, "big.pdf"), (s_umlaut, "Bericht Ü.pdf") })
            {
                string url = $"https://files.example.test/a/{FakeAttachmentStore.Token(who, Sha(data))}/{Uri.EscapeDataString(name)}";
                Assert.Contains("Link: " + url, plain, StringComparison.Ordinal);
                Assert.Contains("SHA-256: " + Sha(data), plain, StringComparison.Ordinal);
                Assert.Contains($"<a href=\"{url}\">{name}</a>", html, StringComparison.Ordinal);
                Assert.DoesNotContain(FakeAttachmentStore.Token(other, Sha(data)), Encoding.UTF8.GetString(message), StringComparison.Ordinal);
            }

            Assert.Contains("Size: 300,000 bytes (293.0 KiB)", plain, StringComparison.Ordinal);
            Assert.Contains("Expires: 2026-12-21 12:00 UTC", plain, StringComparison.Ordinal);
            var notices = root.Children.Skip(1).OfType<MimePart>().Where(p => p.ContentType.MimeType == "text/plain" && p.ContentDisposition?.IsInline == true).ToList();
            Assert.Equal(2, notices.Count);
            Assert.StartsWith("[The attachment \"big.pdf\", 300,000 bytes (293.0 KiB), is stored as a link", notices[0].GetText(), StringComparison.Ordinal);
            Assert.StartsWith("[The attachment \"Bericht Ü.pdf\", 200,000 bytes (195.3 KiB), is", notices[1].GetText(), StringComparison.Ordinal);
            Assert.Equal(["small.png"], parsed.Attachments.Select(a => a.FileName));
            Assert.Equal(SignatureHeaderStatus.Pass, (await OutboundStagesTests.VerifyAsync(StripGuard(message), who, _h)).Status);
            Assert.Equal(SignatureHeaderStatus.Fail, (await OutboundStagesTests.VerifyAsync(StripGuard(message), other, _h)).Status);
        }

        Assert.Contains(_h.Log, l => l == "QID1: links files=2 bytes=500000 stored=2 present=0 recipients=2 copies=1 follow=pinned");
        Assert.True(outcome.Text.Contains("links=2, signed", StringComparison.Ordinal), outcome.Text[..600]);
        Assert.Equal(2, _h.Metrics.LinksFiles.Value("stored"));
        Assert.Equal(500_000, _h.Metrics.LinksBytes.Value());
    }

    [Fact]
    public async Task WhileASlowStoreTakesTheFilesTheMtaGetsProgressPackets()
    {
        _store.PutDelay = TimeSpan.FromMilliseconds(600);
        _h.Options = new MailFilter.Milter.MilterOptions { ProgressInterval = TimeSpan.FromMilliseconds(50) };
        var outcome = await _h.RunAsync(Mail(Bob, string.Empty, TextPart, PdfPart(s_big), UmlautPart(s_umlaut)), [Bob]);
        Assert.Equal("continue", outcome.Verdict);
        Assert.InRange(_h.ProgressCount, 10, 40); // two uploads of 600 ms, a packet every 50 ms
    }

    [Fact]
    public async Task ChangingALinkBreaksTheSignature()
    {
        var outcome = await _h.RunAsync(Mail(Bob, string.Empty, TextPart, PdfPart(s_big)), [Bob]);
        Assert.Equal(SignatureHeaderStatus.Pass, (await OutboundStagesTests.VerifyAsync(outcome.Message!, Bob, _h)).Status);
        string token = FakeAttachmentStore.Token(Bob, Sha(s_big));
        var forged = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(outcome.Message!).Replace(token, "bob-00000000", StringComparison.Ordinal));
        Assert.Equal(SignatureHeaderStatus.Fail, (await OutboundStagesTests.VerifyAsync(forged, Bob, _h)).Status);
    }

    [Fact]
    public async Task TheSameContentSentAgainIsAskedForButNotUploadedAgain()
    {
        await _h.RunAsync(Mail(Bob, string.Empty, TextPart, PdfPart(s_big), PdfPart(s_big).Replace("big.pdf", "copy.pdf", StringComparison.Ordinal)), [Bob]);
        Assert.Equal([Sha(s_big)], _store.Put); // the same content twice in one message: stored once
        Assert.Equal(["big.pdf", "copy.pdf"], _store.Grants[0].Files.Select(f => f.FileName));

        var again = await _h.RunAsync(Mail(Carol, string.Empty, TextPart, PdfPart(s_big)), [Carol], "<bob@example.test>",
            new Dictionary<string, string> { ["auth_authen"] = Bob, ["client_addr"] = "192.0.2.7" });
        Assert.Equal("continue", again.Verdict);
        Assert.Equal([Sha(s_big)], _store.Put);
        Assert.Equal(2, _store.Asked.Count);
        Assert.Contains(_h.Log, l => l.EndsWith("stored=0 present=1 recipients=1 copies=0 follow=pinned", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AMessageThatIsOneAttachmentIsWrappedAndItsContentFieldsMoveIntoThePart()
    {
        string mail = "From: alice@example.test\r\nTo: bob@example.test\r\nSubject: x\r\nMessage-ID: <w@example.test>\r\n" +
            "Content-Type: application/pdf; name=\"only.pdf\"\r\nContent-Disposition: attachment; filename=\"only.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
            Base64Lines(s_big);
        var outcome = await _h.RunAsync(mail, [Bob]);
        Assert.Equal("continue", outcome.Verdict);
        using var parsed = MimeMessage.Load(outcome.Message!);
        Assert.Equal("multipart/mixed", parsed.Root.ContentType.MimeType);
        Assert.Equal("1.0", parsed.Headers["MIME-Version"]);
        Assert.Null(parsed.Headers.Find("Content-Disposition"));
        Assert.Null(parsed.Headers.Find("Content-Transfer-Encoding"));
        var root = (Multipart)parsed.Root;
        Assert.Equal(2, root.Count);
        Assert.Equal("multipart/alternative", root[0].ContentType.MimeType);
        Assert.Contains("\"only.pdf\", 300,000 bytes (293.0 KiB), is", ((MimePart)root[1]).GetText(), StringComparison.Ordinal);
        Assert.Empty(parsed.Defects);
        Assert.Equal(SignatureHeaderStatus.Pass, (await OutboundStagesTests.VerifyAsync(outcome.Message!, Bob, _h)).Status);
    }

    [Fact]
    public async Task AMultipartAlternativeMessageIsWrappedWhole()
    {
        string alt = "Content-Type: multipart/related; boundary=\"rel\"\r\n\r\n--rel\r\nContent-Type: text/html\r\n\r\n<p>hi</p>\r\n--rel\r\n" + PdfPart(s_big) + "--rel--\r\n";
        string mail = "From: alice@example.test\r\nTo: bob@example.test\r\nSubject: x\r\nMIME-Version: 1.0\r\n" + alt;
        var outcome = await _h.RunAsync(mail, [Bob]);
        using var parsed = MimeMessage.Load(outcome.Message!);
        var root = (Multipart)parsed.Root;
        Assert.Equal("multipart/related", root[1].ContentType.MimeType);
        Assert.Contains("Content-Type: text/html\r\n\r\n<p>hi</p>\r\n", Body(outcome.Message!), StringComparison.Ordinal);
        Assert.Empty(parsed.Attachments);
    }

    [Theory]
    [InlineData("over 1M", null, false)]
    [InlineData("over 1M", "always", true)]
    [InlineData("always", "never", false)]
    [InlineData("never", "latest", true)]
    [InlineData("over 299999", null, true)]
    [InlineData("over 300000", null, false)]
    public async Task ThePolicyAndTheRequestHeaderDecideAndTheHeaderIsRemoved(string policy, string? request, bool replaced)
    {
        await using var h = new StageHarness(Policy(policy)) { Store = _store };
        string mail = Mail(Bob, request is null ? string.Empty : $"X-MailFilter-Links: {request}\r\n", TextPart, PdfPart(s_big));
        var outcome = await h.RunAsync(mail, [Bob]);
        Assert.Equal("continue", outcome.Verdict);
        Assert.DoesNotContain("X-MailFilter-Links", outcome.Text, StringComparison.Ordinal);
        Assert.Equal(replaced, !outcome.Text.Contains(PdfPart(s_big), StringComparison.Ordinal));
        Assert.Equal(replaced ? 1 : 0, _store.Grants.Count);
        if (request == "latest")
        {
            Assert.All(_store.Grants[0].Files, f => Assert.Equal("latest", f.Follow));
        }

        if (!replaced)
        {
            Assert.EndsWith(Body(Encoding.UTF8.GetBytes(mail)), outcome.Text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("full", LinksStoreFailure.Tempfail, "451 4.3.1 attachment store full, try again later")]
    [InlineData("unavailable", LinksStoreFailure.Tempfail, "451 4.3.0 attachment store unavailable, try again later")]
    [InlineData("authd", LinksStoreFailure.Tempfail, "451 4.3.0 attachment store unavailable, try again later")]
    [InlineData("full", LinksStoreFailure.Inline, null)]
    [InlineData("unavailable", LinksStoreFailure.Inline, null)]
    public async Task AStoreThatIsFullOrUnavailableTempfailsOrLeavesTheAttachmentsInline(string what, LinksStoreFailure policy, string? reply)
    {
        _store.Failure = what switch
        {
            "full" => new AuthClient.AttachmentStoreFullException("over quota"),
            "unavailable" => new AuthClient.AttachmentStoreUnavailableException("disk error"),
            _ => new AuthClient.AuthdUnavailableException("unreachable", "down"),
        };
        string failure = what == "full" ? "full" : "unavailable";
        await using var h = new StageHarness(Policy("over 100K", EncryptPolicy.Never, policy)) { Store = _store };
        string mail = Mail($"{Bob}, {Carol}", string.Empty, TextPart, PdfPart(s_big));
        var outcome = await h.RunAsync(mail, [Bob, Carol]);
        string action = policy == LinksStoreFailure.Inline ? "inline" : "tempfail";
        Assert.Equal(1, h.Metrics.LinksStoreFailures.Value(failure, action));
        if (reply is not null)
        {
            Assert.Equal(reply, outcome.Check.Verdict.Text);
            Assert.Null(outcome.Message);
            return;
        }

        Assert.Equal("continue", outcome.Verdict);
        Assert.Equal([Bob, Carol], outcome.Recipients); // no per-recipient copies: nothing differs
        Assert.Empty(h.Reinjected);
        Assert.EndsWith(Body(Encoding.UTF8.GetBytes(mail)), outcome.Text, StringComparison.Ordinal);
        Assert.Contains("links=inline (store " + failure + "), signed", outcome.Text, StringComparison.Ordinal);
        Assert.Equal(SignatureHeaderStatus.Pass, (await OutboundStagesTests.VerifyAsync(outcome.Message!, Carol, h)).Status);
    }

    [Fact]
    public async Task PartsUnderAnotherSignatureInAnAttachedMessageOrInlineAreNotAttachments()
    {
        string signed = "Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; boundary=\"sig\"\r\n\r\n--sig\r\n" + PdfPart(s_big) +
            "--sig\r\nContent-Type: application/pgp-signature\r\n\r\nxyz\r\n--sig--\r\n";
        string attached = "Content-Type: message/rfc822\r\n\r\nFrom: x@example.org\r\nContent-Type: multipart/mixed; boundary=\"in\"\r\n\r\n--in\r\n" + PdfPart(s_big) + "--in--\r\n";
        string inline = "Content-Type: image/png; name=\"photo.png\"\r\nContent-Disposition: inline; filename=\"photo.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + Base64Lines(s_big);
        string namedText = "Content-Type: text/csv; name=\"data.csv\"\r\n\r\n" + new string('x', 200_000) + "\r\n";
        string smime = "Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=\"smime.p7m\"\r\nContent-Disposition: attachment; filename=\"smime.p7m\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + Base64Lines(s_big);
        string mail = Mail(Bob, string.Empty, TextPart, signed, attached, inline, namedText, smime);
        await using var h = new StageHarness(Policy("always")) { Store = _store };
        var outcome = await h.RunAsync(mail, [Bob]);
        Assert.Equal("continue", outcome.Verdict);
        Assert.Empty(_store.Grants);
        Assert.EndsWith(Body(Encoding.UTF8.GetBytes(mail)), outcome.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMessageWhoseMimeDoesNotParseIsLeftAsItIs()
    {
        string mail = Mail(Bob, string.Empty, TextPart, PdfPart(s_big)).Replace("--outer--\r\n", string.Empty, StringComparison.Ordinal);
        var outcome = await _h.RunAsync(mail, [Bob]);
        Assert.Equal("continue", outcome.Verdict);
        Assert.Empty(_store.Asked);
        Assert.Contains("links=skipped (malformed MIME), signed", outcome.Text, StringComparison.Ordinal);
        Assert.EndsWith(Body(Encoding.UTF8.GetBytes(mail)), outcome.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EncryptedCopiesCarryTheirRecipientsLinksAndTheGrantsSaySo()
    {
        await using var h = new StageHarness(Policy("over 100K", EncryptPolicy.WhenPossible)) { Store = _store };
        string mail = Mail($"{Bob}, {Carol}", string.Empty, TextPart, PdfPart(s_big));
        var outcome = await h.RunAsync(mail, [Bob, Carol, "dave@example.test"]); // dave: Bcc
        Assert.Equal("continue", outcome.Verdict);
        Assert.True(Assert.Single(_store.Grants).Encrypted);
        Assert.Equal([Bob], outcome.Recipients);
        Assert.Equal([Carol, "dave@example.test"], h.Reinjected.Select(r => r.Recipient));
        var messages = new[] { (outcome.Message!, Bob) }.Concat(h.Reinjected.Select(r => (r.Message, r.Recipient)));
        foreach (var (message, who) in messages)
        {
            var (_, inner) = await OutboundStagesTests.OpenAsync(StripGuard(message), who, h);
            string text = Encoding.UTF8.GetString(inner);
            Assert.Contains(FakeAttachmentStore.Token(who, Sha(s_big)), text, StringComparison.Ordinal);
            Assert.Single(new[] { Bob, Carol, "dave@example.test" }, r => text.Contains(FakeAttachmentStore.Token(r, Sha(s_big)), StringComparison.Ordinal));
            Assert.DoesNotContain("dave", text[..text.IndexOf("\r\n\r\n", StringComparison.Ordinal)].Replace("MailFilter-Signature", string.Empty, StringComparison.Ordinal)
                .Split("\r\n").Where(l => !l.StartsWith(' ') && !l.StartsWith('\t') && !l.StartsWith("MailFilter-Signature", StringComparison.Ordinal)).Aggregate(string.Empty, (a, b) => a + b), StringComparison.Ordinal);
            Assert.Equal(SignatureHeaderStatus.Pass, (await OutboundStagesTests.VerifyAsync(inner, who, h)).Status);
        }
    }

    /// <summary>A re-injected copy starts with the loop guard; the signature does not cover it.</summary>
    private static byte[] StripGuard(byte[] message)
    {
        string text = Encoding.UTF8.GetString(message);
        return text.StartsWith("X-MailFilter-Reinjected:", StringComparison.Ordinal)
            ? Encoding.UTF8.GetBytes(text[(text.IndexOf("\r\n", StringComparison.Ordinal) + 2)..])
            : message;
    }
}
