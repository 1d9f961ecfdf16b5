using System.Text;
using MailFilter.Crypto.Envelope;

namespace MailFilter.Messages.Tests;

public sealed class InboundVerifierTests : IDisposable
{
    private readonly TestMail _mail = new();

    public void Dispose() => _mail.Dispose();

    private async Task<InboundResult> VerifyAsync(byte[] message, InboundRequest? request = null) =>
        await _mail.Verifier().VerifyAsync(new MemoryStream(message), request ?? _mail.Request());

    [Fact]
    public async Task ACarrierForBobOpensToTheInnerMessageByteForByteWithAPass()
    {
        var inner = await _mail.SignAsync(TestMail.Plain());
        var carrier = await _mail.SealAsync(inner);
        Assert.DoesNotContain("Grüße", Encoding.UTF8.GetString(carrier), StringComparison.Ordinal);
        using var result = await VerifyAsync(carrier);
        Assert.Equal(InboundVerdict.Pass, result.Verdict);
        Assert.True(result.Decrypted);
        Assert.Equal("alice@example.test", result.HeaderFrom);
        Assert.Equal(inner, TestMail.ReadAll(result.Content));
    }

    [Fact]
    public async Task AnEnvelopeUnderTheMemoryThresholdOpensWithoutTouchingTheSpoolDirectory()
    {
        var carrier = await _mail.SealAsync(await _mail.SignAsync(TestMail.Plain()));
        // A directory that cannot be created (a file is in the way): any spool file would fail the delivery.
        string blocker = Path.Combine(Path.GetTempPath(), "mailfilter-spool-test-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(blocker, "not a directory");
        try
        {
            var verifier = new InboundVerifier(_mail.Resolver, new InboundOptions
            {
                LocalDomains = new HashSet<string>(["example.test"], StringComparer.OrdinalIgnoreCase),
                Spool = new SpoolOptions(1024 * 1024, Path.Combine(blocker, "spool")),
            });
            using var result = await verifier.VerifyAsync(new MemoryStream(carrier), _mail.Request());
            Assert.Equal(InboundVerdict.Pass, result.Verdict);
            Assert.True(result.Decrypted);
        }
        finally
        {
            File.Delete(blocker);
        }
    }

    [Fact]
    public async Task AnEnvelopeOverTheMemoryThresholdIsSpooledToFilesThatNeverShowInTheDirectory()
    {
        var body = string.Concat(Enumerable.Repeat("a line of the message that makes it longer than the threshold\r\n", 2000));
        var inner = await _mail.SignAsync(TestMail.Plain(body: body));
        var carrier = await _mail.SealAsync(inner);
        string dir = Directory.CreateTempSubdirectory("mailfilter-spool-test-").FullName;
        try
        {
            var verifier = new InboundVerifier(_mail.Resolver, new InboundOptions
            {
                LocalDomains = new HashSet<string>(["example.test"], StringComparer.OrdinalIgnoreCase),
                Spool = new SpoolOptions(16 * 1024, dir),
            });
            using var result = await verifier.VerifyAsync(new MemoryStream(carrier), _mail.Request());
            Assert.Equal(InboundVerdict.Pass, result.Verdict);
            Assert.IsType<FileStream>(result.Content);
            Assert.Empty(Directory.EnumerateFileSystemEntries(dir)); // unlinked at once: owner-only, gone with the process
            Assert.Equal(inner, TestMail.ReadAll(result.Content));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void AnExpectedLengthPastWhatMemoryCanHoldGoesToAFileWhateverTheThreshold()
    {
        string dir = Directory.CreateTempSubdirectory("mailfilter-spool-test-").FullName;
        try
        {
            var spool = new SpoolOptions(long.MaxValue, dir);
            using (var small = spool.Create(10_000))
            {
                Assert.IsType<MemoryStream>(small);
            }

            using var large = spool.Create(3L << 30); // 3 GiB: no MemoryStream can hold it
            Assert.IsType<FileStream>(large);
            Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task ACarrierWithoutAnInnerSignatureHeaderPassesOnTheEnvelopeSignature()
    {
        var inner = TestMail.Plain();
        using var result = await VerifyAsync(await _mail.SealAsync(inner));
        Assert.Equal(InboundVerdict.Pass, result.Verdict);
        Assert.Equal(inner, TestMail.ReadAll(result.Content));
    }

    [Fact]
    public async Task EveryRecipientOfTheEnvelopeOpensItAndAnOutsiderGetsAFailWithTheCiphertext()
    {
        var carrier = await _mail.SealAsync(TestMail.Plain(), toCarol: true);
        using (var carol = await VerifyAsync(carrier, _mail.Request("carol@example.test")))
        {
            Assert.Equal(InboundVerdict.Pass, carol.Verdict);
        }

        var dave = _mail.Request("dave@example.test") with { Unwrapper = new X25519FileKeyUnwrapper(Crypto.Keys.X25519PrivateKey.Generate()) };
        using var result = await VerifyAsync(carrier, dave);
        Assert.Equal(InboundVerdict.Fail, result.Verdict);
        Assert.Equal(EnvelopeError.NoMatchingRecipient, result.EnvelopeError);
        Assert.False(result.Decrypted);
        Assert.Equal(carrier, TestMail.ReadAll(result.Content));
    }

    [Fact]
    public async Task AFlippedByteInTheBase64IsAFailAndTheMessageStaysAsReceived()
    {
        var carrier = await _mail.SealAsync(TestMail.Plain());
        var text = Encoding.ASCII.GetString(carrier);
        int at = text.IndexOf("Content-Transfer-Encoding: base64\r\n\r\n", StringComparison.Ordinal) + 200;
        carrier[at] = (byte)(carrier[at] == 'A' ? 'B' : 'A');
        using var result = await VerifyAsync(carrier);
        Assert.Equal(InboundVerdict.Fail, result.Verdict);
        Assert.NotNull(result.EnvelopeError);
        Assert.StartsWith("envelope: ", result.Reason, StringComparison.Ordinal);
        Assert.Equal(carrier, TestMail.ReadAll(result.Content));
    }

    [Theory]
    [InlineData("Content-Transfer-Encoding: base64\r\n\r\n", "Content-Transfer-Encoding: base64\r\n\r\n*", CarrierError.Base64Invalid)]
    [InlineData("Content-Transfer-Encoding: base64", "Content-Transfer-Encoding: quoted-printable", CarrierError.TransferEncoding)]
    [InlineData("Version: 1", "Version: 2", CarrierError.ControlVersion)]
    [InlineData("Content-Type: application/octet-stream", "Content-Type: text/plain", CarrierError.EnvelopePartType)]
    public async Task AMalformedCarrierIsAFailNamingWhatIsWrong(string from, string to, CarrierError expected)
    {
        var carrier = Encoding.ASCII.GetString(await _mail.SealAsync(TestMail.Plain()));
        var changed = Encoding.ASCII.GetBytes(ReplaceFirst(carrier, "\r\n" + from, "\r\n" + to));
        using var result = await VerifyAsync(changed);
        Assert.Equal(InboundVerdict.Fail, result.Verdict);
        Assert.Equal(expected, result.CarrierError);
        Assert.Equal(changed, TestMail.ReadAll(result.Content));
    }

    [Fact]
    public async Task AnOuterFromThatIsNotTheSenderFailsTheFromCheck()
    {
        var carrier = Encoding.UTF8.GetString(await _mail.SealAsync(TestMail.Plain()));
        var forged = Encoding.UTF8.GetBytes(ReplaceFirst(carrier, "From: Alice <alice@example.test>", "From: Mallory <mallory@example.test>"));
        using var result = await VerifyAsync(forged);
        Assert.Equal(EnvelopeError.FromMismatch, result.EnvelopeError);
    }

    [Fact]
    public async Task TheSameEnvelopeTwiceToTheSameMailboxIsAReplay()
    {
        var carrier = await _mail.SealAsync(TestMail.Plain());
        var guard = new MemoryReplayGuard();
        using (var first = await VerifyAsync(carrier, _mail.Request(guard: guard)))
        {
            Assert.Equal(InboundVerdict.Pass, first.Verdict);
        }

        using var second = await VerifyAsync(carrier, _mail.Request(guard: guard));
        Assert.Equal(EnvelopeError.Replay, second.EnvelopeError);
    }

    [Fact]
    public async Task AnUnwrapperThatCannotReachItsServiceThrowsSoTheAgentCanTempfail()
    {
        var carrier = await _mail.SealAsync(TestMail.Plain());
        var request = _mail.Request() with { Unwrapper = new ThrowingUnwrapper() };
        await Assert.ThrowsAsync<TimeoutException>(() => VerifyAsync(carrier, request));
    }

    [Fact]
    public async Task SignedOnlyMailPassesAndBindsTheDeliveryEnvelope()
    {
        var signed = await _mail.SignAsync(TestMail.Plain());
        using (var pass = await VerifyAsync(signed))
        {
            Assert.Equal(InboundVerdict.Pass, pass.Verdict);
            Assert.False(pass.WasEncrypted);
            Assert.Equal(signed, TestMail.ReadAll(pass.Content));
        }

        using var elsewhere = await VerifyAsync(signed, _mail.Request("carol@example.test"));
        Assert.Equal(InboundVerdict.Fail, elsewhere.Verdict);
        Assert.Equal("signature: EnvelopeRecipientMismatch", elsewhere.Reason);
    }

    [Fact]
    public async Task AnAliasRewrittenRecipientStillPassesWithTheOriginalRecipient()
    {
        var signed = await _mail.SignAsync(TestMail.Plain());
        using var result = await VerifyAsync(signed, _mail.Request("robert@example.test") with { OriginalRecipient = "bob@example.test" });
        Assert.Equal(InboundVerdict.Pass, result.Verdict);
    }

    [Fact]
    public async Task ATamperedBodyFails()
    {
        var signed = Encoding.UTF8.GetString(await _mail.SignAsync(TestMail.Plain()));
        using var result = await VerifyAsync(Encoding.UTF8.GetBytes(signed.Replace("Hello Bob", "Hello Rob", StringComparison.Ordinal)));
        Assert.Equal(InboundVerdict.Fail, result.Verdict);
        Assert.Equal("signature: BodyHashMismatch", result.Reason);
    }

    [Fact]
    public async Task UnsignedMailClaimingALocalSenderFailsAndFromElsewhereIsNone()
    {
        using (var forged = await VerifyAsync(TestMail.Plain()))
        {
            Assert.Equal(InboundVerdict.Fail, forged.Verdict);
            Assert.Equal("no signature from a MailFilter domain", forged.Reason);
        }

        using var outside = await VerifyAsync(TestMail.Plain(from: "someone@elsewhere.example"), _mail.Request(mailFrom: "someone@elsewhere.example"));
        Assert.Equal(InboundVerdict.None, outside.Verdict);
        Assert.Null(outside.Reason);
    }

    [Fact]
    public async Task ASignatureByAliceOnMailFromSomeoneElseFails()
    {
        var signed = Encoding.UTF8.GetString(await _mail.SignAsync(TestMail.Plain()));
        // The From field is signed, so changing it breaks the signature first; a second From is caught by over-signing.
        using var result = await VerifyAsync(Encoding.UTF8.GetBytes(signed.Replace("From: Alice <alice@example.test>", "From: Bob <bob@example.test>", StringComparison.Ordinal)));
        Assert.Equal(InboundVerdict.Fail, result.Verdict);
    }

    [Fact]
    public async Task TheWrittenMessageHasOurResultOnTopAndNoForgedClaimOfOurId()
    {
        var inner = Encoding.UTF8.GetBytes("Authentication-Results: mx.example.test; mailfilter=pass\r\nAuthentication-Results: other.example; dkim=pass\r\n"
            + Encoding.UTF8.GetString(TestMail.Plain(from: "x@elsewhere.example")));
        using var result = await VerifyAsync(inner, _mail.Request(mailFrom: "x@elsewhere.example"));
        using var output = new MemoryStream();
        result.WriteTo(output, "MX.example.test");
        var text = Unfold(Encoding.UTF8.GetString(output.ToArray()));
        Assert.StartsWith("Authentication-Results: MX.example.test; mailfilter=none header.from=x@elsewhere.example smtp.mailfrom=x@elsewhere.example\r\n", text, StringComparison.Ordinal);
        Assert.Single(text.Split("mailfilter=", StringSplitOptions.None).Skip(1));
        Assert.Contains("Authentication-Results: other.example; dkim=pass\r\n", text, StringComparison.Ordinal);
        Assert.EndsWith(Encoding.UTF8.GetString(TestMail.Plain(from: "x@elsewhere.example")).Split("\r\n\r\n")[1], text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TraceFieldsAddedToTheCarrierInTransitAreKeptAboveTheInnerMessage()
    {
        var inner = await _mail.SignAsync(TestMail.Plain());
        var carrier = Encoding.ASCII.GetBytes("Received: from relay.example by mx.example.test; Sat, 21 Nov 2026 08:00:01 +0000\r\n")
            .Concat(await _mail.SealAsync(inner)).ToArray();
        using var result = await VerifyAsync(carrier);
        using var output = new MemoryStream();
        result.WriteTo(output, "mx.example.test");
        var text = Encoding.UTF8.GetString(output.ToArray());
        Assert.EndsWith(Encoding.UTF8.GetString(inner), text, StringComparison.Ordinal);
        text = Unfold(text);
        Assert.Matches("^Authentication-Results: mx.example.test; mailfilter=pass header.from=alice@example.test smtp.mailfrom=alice@example.test\r\nReceived: from relay.example", text);
    }

    // RFC 5322 §2.2.3: a fold is CRLF before white space.
    private static string Unfold(string text) => System.Text.RegularExpressions.Regex.Replace(text, "\r\n(?=[ \t])", string.Empty);

    private static string ReplaceFirst(string text, string from, string to)
    {
        int i = text.IndexOf(from, StringComparison.Ordinal);
        Assert.True(i >= 0, $"\"{from}\" not in the carrier");
        return string.Concat(text.AsSpan(0, i), to, text.AsSpan(i + from.Length));
    }

    private sealed class ThrowingUnwrapper : IFileKeyUnwrapper
    {
        public ValueTask<UnwrappedFileKey?> UnwrapAsync(UnwrapRequest request, CancellationToken cancellationToken) => throw new TimeoutException("authd did not answer");
    }
}
