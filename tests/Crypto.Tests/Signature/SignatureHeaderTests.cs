using System.Text;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signature;
using MailFilter.Crypto.Signing;
using MailFilter.Crypto.Tests.Support;

namespace MailFilter.Crypto.Tests.Signature;

public sealed class SignatureHeaderTests : IDisposable
{
    private static readonly DateTimeOffset s_now = DateTimeOffset.FromUnixTimeSeconds(1_760_000_000);
    private readonly Party _alice = Party.Create("alice@example.org");
    private readonly InMemorySigningKeyResolver _keys = new();
    private readonly DeliveryEnvelope _delivery = new("alice@example.org", "bob@example.net");

    public SignatureHeaderTests()
    {
        _keys.Add(_alice.SigningRecord());
    }

    public void Dispose() => _alice.Dispose();

    private SignatureHeaderRequest Request => new()
    {
        Sender = _alice.Address,
        MailFrom = _alice.Address,
        Recipients = ["bob@example.net", "carol@example.com"],
        Timestamp = s_now,
        Lifetime = TimeSpan.FromDays(30),
    };

    private async Task<SignedMessage> SignAsync(SignedMessage message, SignatureHeaderRequest? request = null) =>
        message.With(await SignatureHeaderSigner.SignAsync(message.Headers, new MemoryStream(message.Body), request ?? Request, new LocalMessageSigner(_alice.Signing)));

    private Task<SignatureHeaderResult> VerifyAsync(SignedMessage message, DeliveryEnvelope? delivery = null, DateTimeOffset? now = null, ISigningKeyResolver? keys = null) =>
        new SignatureHeaderVerifier(keys ?? _keys, new SignatureHeaderVerifyOptions { TimeProvider = new FixedTime(now ?? s_now.AddMinutes(1)) })
            .VerifyAsync(message.Headers, new MemoryStream(message.Body), delivery ?? _delivery);

    [Fact]
    public async Task ASignedMessageVerifiesForEachSignedRecipient()
    {
        var signed = await SignAsync(SignedMessage.Sample());
        var value = signed.Headers[0].ValueAsString();
        Assert.Contains("a=ed25519-sha256", value, StringComparison.Ordinal);
        Assert.Contains("c=relaxed/relaxed", value, StringComparison.Ordinal);
        Assert.Contains("s=" + _alice.Signing.KeyId, value, StringComparison.Ordinal);
        Assert.Contains("h=from:from:to:to:cc:subject:subject:", value.Replace("\r\n\t", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("l=", value, StringComparison.Ordinal);
        Assert.All(value.Split("\r\n"), line => Assert.True(line.Length <= 78, line));

        foreach (var recipient in new[] { "bob@example.net", "Carol@EXAMPLE.com".Replace("Carol", "carol", StringComparison.Ordinal) })
        {
            var result = await VerifyAsync(signed, new DeliveryEnvelope("alice@example.org", recipient));
            Assert.Equal(SignatureHeaderStatus.Pass, result.Status);
            Assert.Equal("alice@example.org", result.Signer);
            Assert.Equal(_alice.Signing.KeyId, result.Kid);
        }
    }

    [Fact]
    public async Task AMessageWithoutTheHeaderHasNoResult()
    {
        var result = await VerifyAsync(SignedMessage.Sample());
        Assert.Equal(SignatureHeaderStatus.None, result.Status);
    }

    [Fact]
    public async Task RelaxedCanonicalizationSurvivesRefoldingAndWhitespace()
    {
        var signed = await SignAsync(SignedMessage.Sample());
        var munged = signed.Replace("To", "   Bob <bob@example.net>,\r\n\t\t carol@example.com   ")
            with { Body = Encoding.UTF8.GetBytes("Hello Bob,  \r\n\r\nthe numbers \t are in.\r\n\r\n--\t\r\nAlice\r\n\r\n\r\n") };
        Assert.Equal(SignatureHeaderStatus.Pass, (await VerifyAsync(munged)).Status);
    }

    public static TheoryData<string> Tampering => ["subject", "body", "added-from", "added-subject", "added-cc", "added-reply-to"];

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task EveryTamperingFailsWithItsOwnReason(string tampering)
    {
        var signed = await SignAsync(SignedMessage.Sample());
        var (message, expected) = tampering switch
        {
            "subject" => (signed.Replace("Subject", " Quarterly numbers (revised)"), SignatureHeaderError.SignatureInvalid),
            "body" => (signed with { Body = [.. signed.Body, .. "P.S.\r\n"u8.ToArray()] }, SignatureHeaderError.BodyHashMismatch),
            "added-from" => (signed with { Headers = [.. signed.Headers, HeaderField.FromString("From", " mallory@example.org")] }, SignatureHeaderError.NotOversigned),
            "added-subject" => (signed with { Headers = [.. signed.Headers, HeaderField.FromString("Subject", " urgent")] }, SignatureHeaderError.NotOversigned),
            "added-cc" => (signed with { Headers = [.. signed.Headers, HeaderField.FromString("Cc", " mallory@example.org")] }, SignatureHeaderError.NotOversigned),
            _ => (signed with { Headers = [.. signed.Headers, HeaderField.FromString("Reply-To", " mallory@example.org")] }, SignatureHeaderError.SignatureInvalid),
        };
        var result = await VerifyAsync(message);
        Assert.Equal(SignatureHeaderStatus.Fail, result.Status);
        Assert.Equal(expected, result.Error);
    }

    [Fact]
    public async Task TheSignatureIsBoundToTheEnvelopeSenderAndRecipients()
    {
        var signed = await SignAsync(SignedMessage.Sample());
        Assert.Equal(SignatureHeaderError.EnvelopeRecipientMismatch, (await VerifyAsync(signed, new DeliveryEnvelope("alice@example.org", "dave@example.com"))).Error);
        Assert.Equal(SignatureHeaderError.EnvelopeSenderMismatch, (await VerifyAsync(signed, new DeliveryEnvelope("bounces@example.org", "bob@example.net"))).Error);
        Assert.Equal(SignatureHeaderError.EnvelopeSenderMismatch, (await VerifyAsync(signed, new DeliveryEnvelope("", "bob@example.net"))).Error);

        // The null reverse-path binds too.
        var bounce = await SignAsync(SignedMessage.Sample(), Request with { MailFrom = "" });
        Assert.Equal(SignatureHeaderStatus.Pass, (await VerifyAsync(bounce, new DeliveryEnvelope("", "bob@example.net"))).Status);
    }

    [Fact]
    public async Task KeyAndTimeChecksFailWithTheirOwnReasons()
    {
        var signed = await SignAsync(SignedMessage.Sample());
        Assert.Equal(SignatureHeaderError.Expired, (await VerifyAsync(signed, now: s_now.AddDays(31))).Error);
        Assert.Equal(SignatureHeaderError.InFuture, (await VerifyAsync(signed, now: s_now.AddHours(-1))).Error);

        var keys = new InMemorySigningKeyResolver();
        Assert.Equal(SignatureHeaderError.KeyUnknown, (await VerifyAsync(signed, keys: keys)).Error);
        keys.Add(_alice.SigningRecord() with { Address = "mallory@example.org" });
        Assert.Equal(SignatureHeaderError.KeyWrongAddress, (await VerifyAsync(signed, keys: keys)).Error);
        keys.Add(_alice.SigningRecord(revoked: true));
        Assert.Equal(SignatureHeaderError.KeyRevoked, (await VerifyAsync(signed, keys: keys)).Error);
        keys.Add(_alice.SigningRecord(notBefore: s_now.AddDays(1)));
        Assert.Equal(SignatureHeaderError.KeyNotValidAtSigningTime, (await VerifyAsync(signed, keys: keys)).Error);
        keys.Add(_alice.SigningRecord(notAfter: s_now.AddDays(-1)));
        Assert.Equal(SignatureHeaderError.KeyNotValidAtSigningTime, (await VerifyAsync(signed, keys: keys)).Error);
    }

    public static TheoryData<string, string, SignatureHeaderError> ProfileViolations => new()
    {
        { "a=ed25519-sha256", "a=rsa-sha256", SignatureHeaderError.UnsupportedAlgorithm },
        { "c=relaxed/relaxed", "c=simple/simple", SignatureHeaderError.UnsupportedCanonicalization },
        { "v=1", "v=2", SignatureHeaderError.UnsupportedVersion },
        { "q=x-mailfilter", "q=dns/txt", SignatureHeaderError.UnsupportedQueryMethod },
        { "q=x-mailfilter", "q=x-mailfilter; l=10", SignatureHeaderError.BodyLengthLimit },
        { "d=example.org", "d=example.net", SignatureHeaderError.DomainMismatch },
        { "v=1", "v=1; v=1", SignatureHeaderError.Malformed },
        { "q=x-mailfilter; ", "", SignatureHeaderError.Malformed },
    };

    [Theory]
    [MemberData(nameof(ProfileViolations))]
    public async Task ProfileViolationsFailWithTheirOwnReasons(string find, string replace, SignatureHeaderError expected)
    {
        var signed = await SignAsync(SignedMessage.Sample());
        var value = signed.Headers[0].ValueAsString();
        if (find == "q=x-mailfilter; ")
        {
            // Drop the s= tag altogether: a required tag missing is MissingTag, an empty spec is Malformed.
            value = value.Replace("s=" + _alice.Signing.KeyId, "s=" + _alice.Signing.KeyId + ";;", StringComparison.Ordinal);
        }
        else
        {
            value = value.Replace(find, replace, StringComparison.Ordinal);
        }

        var tampered = signed with { Headers = [HeaderField.FromString(SignatureHeader.FieldName, value), .. signed.Headers.Skip(1)] };
        Assert.Equal(expected, (await VerifyAsync(tampered)).Error);
    }

    [Fact]
    public async Task AMissingRequiredTagIsReported()
    {
        var signed = await SignAsync(SignedMessage.Sample());
        var value = signed.Headers[0].ValueAsString().Replace("; q=x-mailfilter", "", StringComparison.Ordinal);
        var env = value.IndexOf("; env=", StringComparison.Ordinal);
        var end = value.IndexOf(';', env + 2);
        value = value[..env] + value[end..];
        var tampered = signed with { Headers = [HeaderField.FromString(SignatureHeader.FieldName, value), .. signed.Headers.Skip(1)] };
        Assert.Equal(SignatureHeaderError.MissingTag, (await VerifyAsync(tampered)).Error);
    }

    [Fact]
    public async Task ARemoteSignerSeesOnlyTheThirtyTwoByteDigest()
    {
        var message = SignedMessage.Sample();
        var signer = new ShapeCheckingSigner(new LocalMessageSigner(_alice.Signing));
        var field = await SignatureHeaderSigner.SignAsync(message.Headers, new MemoryStream(message.Body), Request, signer);
        Assert.Equal((SignaturePurpose.SignatureHeader, 32), signer.Seen);
        Assert.Equal(SignatureHeaderStatus.Pass, (await VerifyAsync(message.With(field))).Status);
    }

    private sealed class ShapeCheckingSigner(IMessageSigner inner) : IMessageSigner
    {
        public (SignaturePurpose, int) Seen { get; private set; }

        public Ed25519PublicKey PublicKey => inner.PublicKey;

        public ValueTask<byte[]> SignAsync(SignaturePurpose purpose, ReadOnlyMemory<byte> toBeSigned, CancellationToken cancellationToken)
        {
            Seen = (purpose, toBeSigned.Length);
            Assert.True(SigningInput.IsValid(purpose, toBeSigned.Span));
            return inner.SignAsync(purpose, toBeSigned, cancellationToken);
        }
    }
}
