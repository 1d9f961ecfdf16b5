using MailFilter.Mime;

namespace MailFilter.Messages.Tests;

public class AuthenticationResultsTests
{
    [Fact]
    public void TheValueFollowsRfc8601WithTheReasonAsAComment()
    {
        Assert.Equal("mx.example.test; mailfilter=fail (envelope: SignatureInvalid) header.from=alice@example.test smtp.mailfrom=bounce@example.test",
            AuthenticationResults.Format("mx.example.test", InboundVerdict.Fail, "envelope: SignatureInvalid", "alice@example.test", "bounce@example.test"));
        Assert.Equal("mx.example.test; mailfilter=none",
            AuthenticationResults.Format("mx.example.test", InboundVerdict.None, null, null, string.Empty));
        Assert.Equal("mx; mailfilter=pass (a \\(b\\) \\\\) header.from=\"odd local\\\"part@example.test\"",
            AuthenticationResults.Format("mx", InboundVerdict.Pass, "a (b) \\", "odd local\"part@example.test", null));
    }

    [Theory]
    [InlineData("mx.example.test; mailfilter=pass", true)]
    [InlineData("  MX.Example.Test ;spf=pass", true)]
    [InlineData("(a comment (nested)) mx.example.test 1; none", true)]
    [InlineData("\"mx.example.test\"; none", true)]
    [InlineData("mx.example.test.evil; none", false)]
    [InlineData("other.example; mailfilter=pass header.from=mx.example.test", false)]
    [InlineData("", false)]
    public void AClaimOfOurAuthservIdIsRecognisedAsRfc8601Writes(string value, bool claims) =>
        Assert.Equal(claims, AuthenticationResults.Claims(value, "mx.example.test"));

    [Fact]
    public void StampingRemovesOurClaimsKeepsOthersAndPutsOursOnTop()
    {
        using var message = MimeMessage.Load("Received: x\r\nAuthentication-Results: mx.example.test; mailfilter=pass\r\nAuthentication-Results: other; dkim=pass\r\nSubject: s\r\n\r\nbody\r\n"u8.ToArray());
        AuthenticationResults.Stamp(message.Headers, "mx.example.test", "mx.example.test; mailfilter=fail (no signature from a MailFilter domain)");
        var names = message.Headers.Select(h => h.ToString()).ToList();
        Assert.Equal(
        [
            "Authentication-Results: mx.example.test; mailfilter=fail (no signature from a MailFilter domain)",
            "Received: x",
            "Authentication-Results: other; dkim=pass",
            "Subject: s",
        ], names);
    }

    [Fact]
    public void AnAuthservIdThatIsNotATokenIsRefused() =>
        Assert.Throws<ArgumentException>(() => AuthenticationResults.Format("mx example", InboundVerdict.Pass, null, null, null));
}
