using System.Text;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Signature;
using MailFilter.Crypto.Signing;
using MailFilter.Filter.Configuration;
using MailFilter.Filter.Milter.Stages;
using MailFilter.Milter.Wire;

namespace MailFilter.Filter.Tests.Stages;

public sealed class OutboundStagesTests : IAsyncLifetime
{
    private const string Mail =
        "From: Alice <alice@example.test>\r\nTo: Bob <bob@example.test>\r\nCc: carol@example.test\r\nSubject: the plan\r\n" +
        "Message-ID: <m1@example.test>\r\nDate: Sat, 21 Nov 2026 07:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n" +
        "secret body\r\n";

    private readonly StageHarness _h = new();

    // xUnit 2 disposes a test class through IDisposable or IAsyncLifetime, not IAsyncDisposable.
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _h.DisposeAsync().AsTask();

    private static PolicySettings Policy(EncryptPolicy encrypt, SignPolicy sign = SignPolicy.Always) => new()
    {
        LocalDomains = new HashSet<string>(["example.test"], StringComparer.OrdinalIgnoreCase),
        Default = new PolicyRule(sign, encrypt),
    };

    [Fact]
    public async Task AnAuthenticatedSubmissionIsSignedSealedAndLeavesOnlyTheOuterHeaders()
    {
        var outcome = await _h.RunAsync(Mail, ["bob@example.test", "carol@example.test"]);
        Assert.Equal("continue", outcome.Verdict);
        var (headers, inner) = await OpenAsync(outcome.Message!, "bob@example.test");
        Assert.DoesNotContain("the plan", headers, StringComparison.Ordinal);
        Assert.Contains("Subject: [...]\r\n", headers, StringComparison.Ordinal);
        Assert.Contains("qid=QID1; signed, encrypted=2", headers, StringComparison.Ordinal);
        Assert.DoesNotContain("Content-Type: text/plain", headers, StringComparison.Ordinal);
        Assert.StartsWith("MailFilter-Signature: v=1; a=ed25519-sha256;", Encoding.UTF8.GetString(inner), StringComparison.Ordinal);
        Assert.EndsWith(Mail, Encoding.UTF8.GetString(inner), StringComparison.Ordinal);
        Assert.Equal(SignatureHeaderStatus.Pass, (await VerifyAsync(inner, "carol@example.test")).Status);
    }

    [Fact]
    public async Task ABccRecipientGetsItsOwnReinjectedCopyAndIsRemovedFromTheOriginal()
    {
        var outcome = await _h.RunAsync(Mail, ["bob@example.test", "carol@example.test", "dave@example.test"]);
        Assert.Equal("continue", outcome.Verdict);
        Assert.Equal(["bob@example.test", "carol@example.test"], outcome.Recipients);
        Assert.DoesNotContain("dave", outcome.Text, StringComparison.Ordinal);

        var (sender, recipient, copy) = Assert.Single(_h.Reinjected);
        Assert.Equal(("alice@example.test", "dave@example.test"), (sender, recipient));
        string copyText = Encoding.ASCII.GetString(copy);
        Assert.StartsWith("X-MailFilter-Reinjected: v=1; t=", copyText, StringComparison.Ordinal);
        string guard = copyText[(copyText.IndexOf(':') + 2)..copyText.IndexOf("\r\n", StringComparison.Ordinal)];
        Assert.True(_h.Guard.Verify(guard, "<m1@example.test>", ["dave@example.test"]));

        var (_, inner) = await OpenAsync(copy, "dave@example.test");
        Assert.EndsWith(Mail, Encoding.UTF8.GetString(inner), StringComparison.Ordinal);
        Assert.Equal(SignatureHeaderStatus.Pass, (await VerifyAsync(inner, "dave@example.test")).Status);
        var (_, bobsInner) = await OpenAsync(outcome.Message!, "bob@example.test");
        Assert.Equal(SignatureHeaderStatus.Fail, (await VerifyAsync(bobsInner, "dave@example.test")).Status); // env= binds bob and carol only
        Assert.Contains("QID1: copy for <dave@example.test> re-injected as COPY1", _h.Log);
    }

    [Fact]
    public async Task EveryCopyOfALargeMessageIsSignedAndSealedOffTheEventLoop()
    {
        // Each copy's hashing and sealing follows the previous copy's signature, which authd answers on .NET's socket
        // thread: the stages leave that thread again before each copy (src/Filter/EventLoop.cs).
        _h.SignOnOwnThread = true;
        string large = Mail + string.Concat(Enumerable.Repeat(new string('x', 998) + "\r\n", 200)); // 200 KB
        var outcome = await _h.RunAsync(large, ["bob@example.test", "carol@example.test", "dave@example.test"]);
        Assert.Equal("continue", outcome.Verdict);
        Assert.Single(_h.Reinjected);
        // Two signature headers (the original and dave's copy) and two envelopes.
        Assert.Equal([true, true, true, true], _h.SignCallsOnPool);
    }

    [Fact]
    public async Task AReinjectedCopyWithAValidGuardPassesUntouchedButForTheGuard()
    {
        string guard = _h.Guard.Create("<m1@example.test>", ["dave@example.test"]);
        var outcome = await _h.RunAsync($"X-MailFilter-Reinjected: {guard}\r\n" + Mail, ["dave@example.test"],
            macros: new() { ["client_addr"] = "127.0.0.1" });
        Assert.Equal("accept", outcome.Verdict);
        Assert.Equal(Mail, outcome.Text);
    }

    [Theory]
    [InlineData("v=1; t=1; h=AAAA")]
    [InlineData("garbage")]
    public async Task AGuardThatDoesNotVerifyIsRemovedAndTheMessageProcessed(string value)
    {
        var outcome = await _h.RunAsync($"X-MailFilter-Reinjected: {value}\r\n" + Mail, ["bob@example.test"]);
        Assert.Equal("continue", outcome.Verdict);
        Assert.DoesNotContain("X-MailFilter-Reinjected", outcome.Text, StringComparison.Ordinal);
        Assert.Contains("multipart/encrypted", outcome.Text, StringComparison.Ordinal);
        Assert.Contains(_h.Log, l => l.Contains("does not verify", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AGuardMadeForAnotherRecipientDoesNotLetAMessageThrough()
    {
        string guard = _h.Guard.Create("<m1@example.test>", ["dave@example.test"]);
        var outcome = await _h.RunAsync($"X-MailFilter-Reinjected: {guard}\r\n" + Mail, ["bob@example.test"]);
        Assert.Contains("multipart/encrypted", outcome.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<mallory@example.net>", "auth_authen", "mallory")]
    [InlineData("<alice@example.test>", "client_addr", "192.0.2.7")]
    [InlineData("<>", "auth_authen", "alice")]
    public async Task MailThatIsNotOutboundIsAcceptedAtMail(string sender, string macro, string value)
    {
        var outcome = await _h.RunAsync(Mail, ["bob@example.test"], sender, new() { [macro] = value });
        Assert.Equal("accept", outcome.Verdict);
        Assert.Equal("mail", outcome.Check.DecidedAt);
    }

    [Theory]
    [InlineData("<alice@example.test>", "127.0.0.1")] // trusted network
    [InlineData("alice@example.test", "127.0.0.1")] // sendmail(1): bare address
    public async Task TrustedClientsAndLocalSubmissionAreOutbound(string sender, string client)
    {
        var h = new StageHarness(new PolicySettings { LocalDomains = new HashSet<string>(["example.test"]), TrustedNetworks = [System.Net.IPNetwork.Parse(sender.StartsWith('<') ? "127.0.0.0/8" : "10.0.0.0/8")] });
        await using (h)
        {
            var outcome = await h.RunAsync(Mail, ["bob@example.test"], sender, new() { ["client_addr"] = client });
            Assert.Contains("multipart/encrypted", outcome.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RequiredWithAKeylessRecipientIsRefusedNamingOnlyThatRecipient()
    {
        await using var h = new StageHarness(Policy(EncryptPolicy.Required));
        var outcome = await h.RunAsync(Mail, ["bob@example.test", "zed@example.net", "yan@example.net"]);
        Assert.Equal(MilterReplyCode.ReplyCode, outcome.Check.Verdict.Code);
        Assert.Equal("550 5.7.1 no encryption key for: zed@example.net, yan@example.net", outcome.Check.Verdict.Text);
        Assert.Empty(h.Reinjected);
    }

    [Fact]
    public async Task WhenPossibleWithAKeylessRecipientSendsTheSignedMessageToEveryone()
    {
        var outcome = await _h.RunAsync(Mail, ["bob@example.test", "zed@example.net"]);
        Assert.StartsWith("MailFilter-Signature: ", outcome.Text.Split("\r\n", 2)[1], StringComparison.Ordinal);
        Assert.EndsWith(Mail, outcome.Text, StringComparison.Ordinal);
        Assert.Contains("unencrypted (no key for 1)", outcome.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestHeadersAreRemovedAndCannotWeakenThePolicy()
    {
        await using var h = new StageHarness(Policy(EncryptPolicy.Required));
        var outcome = await h.RunAsync("X-MailFilter-Sign: no\r\nX-MailFilter-Encrypt: never\r\n" + Mail, ["bob@example.test"]);
        Assert.DoesNotContain("X-MailFilter-", outcome.Text.Replace("X-MailFilter-Trace", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        var (_, inner) = await OpenAsync(outcome.Message!, "bob@example.test", h);
        Assert.StartsWith("MailFilter-Signature:", Encoding.UTF8.GetString(inner), StringComparison.Ordinal);
        Assert.EndsWith(Mail, Encoding.UTF8.GetString(inner), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestHeadersCanAskForSigningAndForLessEncryptionThanWhenPossible()
    {
        await using var h = new StageHarness(Policy(EncryptPolicy.WhenPossible, SignPolicy.Never));
        var outcome = await h.RunAsync("X-MailFilter-Sign: yes\r\nX-MailFilter-Encrypt: never\r\n" + Mail, ["bob@example.test"]);
        Assert.StartsWith("MailFilter-Signature: ", outcome.Text.Split("\r\n", 2)[1], StringComparison.Ordinal);
        Assert.EndsWith(Mail, outcome.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignNeverAndEncryptNeverLeavesTheMessageAsItIsButForTheTrace()
    {
        await using var h = new StageHarness(Policy(EncryptPolicy.Never, SignPolicy.Never));
        var outcome = await h.RunAsync(Mail, ["bob@example.test", "dave@example.test"]);
        Assert.Equal(Mail, outcome.Text[(outcome.Text.IndexOf("\r\n", StringComparison.Ordinal) + 2)..]);
        Assert.Empty(h.Reinjected);
        Assert.Equal(2, outcome.Recipients.Count);
    }

    [Fact]
    public async Task WhenNothingIsSignedOrSealedBccRecipientsStayOnTheOriginal()
    {
        await using var h = new StageHarness(Policy(EncryptPolicy.WhenPossible, SignPolicy.Never));
        var outcome = await h.RunAsync(Mail, ["bob@example.test", "zed@example.net", "dave@example.test"]);
        Assert.Equal(3, outcome.Recipients.Count);
        Assert.Empty(h.Reinjected);
        Assert.EndsWith(Mail, outcome.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignedOnlyBccCopiesCarryTheirOwnSignatureAndTheGuard()
    {
        await using var h = new StageHarness(Policy(EncryptPolicy.Never));
        var outcome = await h.RunAsync(Mail, ["bob@example.test", "dave@example.test"]);
        Assert.Equal(["bob@example.test"], outcome.Recipients);
        var copy = Encoding.UTF8.GetString(Assert.Single(h.Reinjected).Message);
        Assert.Matches("^X-MailFilter-Reinjected: [^\r]+\r\nMailFilter-Signature: ", copy);
        var withoutGuard = Encoding.UTF8.GetBytes(copy[(copy.IndexOf("\r\n", StringComparison.Ordinal) + 2)..]);
        Assert.EndsWith(Mail, copy, StringComparison.Ordinal);
        Assert.Equal(SignatureHeaderStatus.Pass, (await VerifyAsync(withoutGuard, "dave@example.test", h)).Status);
    }

    [Fact]
    public async Task WhenEveryRecipientIsBccTheFirstStaysOnTheOriginal()
    {
        const string undisclosed = "From: alice@example.test\r\nTo: undisclosed-recipients:;\r\nSubject: s\r\nDate: Sat, 21 Nov 2026 10:00:00 +0000\r\nMessage-ID: <u@example.test>\r\n\r\nbody\r\n";
        var outcome = await _h.RunAsync(undisclosed, ["bob@example.test", "dave@example.test"]);
        Assert.Equal(["bob@example.test"], outcome.Recipients);
        Assert.Equal("dave@example.test", Assert.Single(_h.Reinjected).Recipient);
        var (_, inner) = await OpenAsync(outcome.Message!, "bob@example.test");
        Assert.EndsWith(undisclosed, Encoding.UTF8.GetString(inner), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMessageWithoutMessageIdGetsOneAndABccHeaderIsRemoved()
    {
        const string bare = "From: alice@example.test\r\nTo: bob@example.test\r\nBcc: dave@example.test\r\nSubject: s\r\n\r\nbody\r\n";
        var outcome = await _h.RunAsync(bare, ["bob@example.test", "dave@example.test"]);
        var (_, inner) = await OpenAsync(outcome.Message!, "bob@example.test");
        string text = Encoding.UTF8.GetString(inner);
        Assert.Matches("\r\nMessage-ID: <[0-9a-f]{32}@mx.example.test>\r\n", text);
        Assert.DoesNotContain("dave", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthdDownTempfailsTheMessage()
    {
        _h.AuthdDown = true;
        var outcome = await _h.RunAsync(Mail, ["bob@example.test"]);
        Assert.Equal("451 4.7.1 mail filter key service unavailable, try again later", outcome.Check.Verdict.Text);
    }

    [Fact]
    public async Task ASignerWhoseKeyWasRotatedIsForgottenAndTheMessageSignedWithTheCurrentKey()
    {
        _h.RotatedSigners = 1;
        var outcome = await _h.RunAsync(Mail, ["bob@example.test"]);
        Assert.Equal("continue", outcome.Verdict);
        Assert.Equal(["alice@example.test"], _h.Forgotten);
        var (_, inner) = await OpenAsync(outcome.Message!, "bob@example.test");
        Assert.Equal(SignatureHeaderStatus.Pass, (await VerifyAsync(inner, "bob@example.test")).Status);
    }

    [Fact]
    public async Task ASecondRotationInOneMessageTempfailsIt()
    {
        _h.RotatedSigners = 2;
        var outcome = await _h.RunAsync(Mail, ["bob@example.test"]);
        Assert.Equal(MilterReplyCode.Tempfail, outcome.Check.Verdict.Code);
    }

    [Fact]
    public async Task AFailedReinjectionTempfailsTheOriginal()
    {
        _h.ReinjectFailure = new ReinjectionException("inet:127.0.0.1:25: connection refused");
        var outcome = await _h.RunAsync(Mail, ["bob@example.test", "dave@example.test"]);
        Assert.Equal("451 4.7.1 could not re-inject a copy, try again later", outcome.Check.Verdict.Text);
    }

    [Fact]
    public async Task MalformedMimeIsSignedAndSealedAsBytes()
    {
        const string broken = "From: alice@example.test\r\nTo: bob@example.test\r\nDate: Sat, 21 Nov 2026 10:00:00 +0000\r\nMessage-ID: <b@example.test>\r\nContent-Type: multipart/mixed; boundary=\"never-closed\"\r\n\r\n--never-closed\r\nContent-Type: text/plain\r\n\r\nhalf a part\r\n";
        var outcome = await _h.RunAsync(broken, ["bob@example.test"]);
        var (_, inner) = await OpenAsync(outcome.Message!, "bob@example.test");
        Assert.EndsWith(broken, Encoding.UTF8.GetString(inner), StringComparison.Ordinal);
    }

    private Task<(string Headers, byte[] Inner)> OpenAsync(byte[] message, string recipient) => OpenAsync(message, recipient, _h);

    internal static async Task<(string Headers, byte[] Inner)> OpenAsync(byte[] message, string recipient, StageHarness h)
    {
        string text = Encoding.ASCII.GetString(message);
        string headers = text[..text.IndexOf("\r\n\r\n", StringComparison.Ordinal)];
        int start = text.IndexOf("Content-Transfer-Encoding: base64\r\n\r\n", StringComparison.Ordinal) + 37;
        int end = text.IndexOf("\r\n--=_mf_", start, StringComparison.Ordinal);
        var age = Convert.FromBase64String(text[start..end].Replace("\r\n", string.Empty, StringComparison.Ordinal));
        var keys = new InMemorySigningKeyResolver();
        keys.Add(new SigningKeyRecord(h.Alice.PublicKey, "alice@example.test", DateTimeOffset.UtcNow.AddDays(-1)));
        var spool = new MemoryStream();
        await new EnvelopeOpener(keys, new MemoryReplayGuard()).OpenAsync(new MemoryStream(age), spool, new OpenRequest
        {
            RecipientAddress = recipient,
            Unwrapper = new X25519FileKeyUnwrapper(h.KeyOf(recipient)),
            FromCheck = (_, _, _) => ValueTask.FromResult(true),
        });
        return (headers, spool.ToArray());
    }

    private Task<SignatureHeaderResult> VerifyAsync(byte[] message, string recipient) => VerifyAsync(message, recipient, _h);

    internal static async Task<SignatureHeaderResult> VerifyAsync(byte[] message, string recipient, StageHarness h)
    {
        string text = Encoding.UTF8.GetString(message);
        int split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var fields = new List<HeaderField>();
        foreach (var line in System.Text.RegularExpressions.Regex.Split(text[..split], "\r\n(?![ \t])"))
        {
            int colon = line.IndexOf(':');
            fields.Add(HeaderField.FromString(line[..colon], line[(colon + 1)..]));
        }

        var keys = new InMemorySigningKeyResolver();
        keys.Add(new SigningKeyRecord(h.Alice.PublicKey, "alice@example.test", DateTimeOffset.UtcNow.AddDays(-1)));
        return await new SignatureHeaderVerifier(keys).VerifyAsync(fields, new MemoryStream(Encoding.UTF8.GetBytes(text[(split + 4)..])),
            new DeliveryEnvelope("alice@example.test", recipient));
    }
}
