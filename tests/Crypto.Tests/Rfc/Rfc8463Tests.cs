using System.Text;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signature;

namespace MailFilter.Crypto.Tests.Rfc;

/// <summary>
/// RFC 8463 Appendix A: the ed25519-sha256, relaxed/relaxed DKIM signature of the "Joe SixPack"
/// message, made with the RFC 8032 TEST 1 key. Our canonicalization, hash input and signing reproduce
/// the RFC's b= byte for byte, and our verifier accepts it.
/// </summary>
public sealed class Rfc8463Tests
{
    private const string PrivateKey = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";
    private const string PublicKey = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
    private const string Signature = "/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11BusFa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==";

    private const string SignatureWithoutB =
        " v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n" +
        " d=football.example.com; i=@football.example.com;\r\n" +
        " q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r\n" +
        " subject : date : message-id : from : subject : date;\r\n" +
        " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n" +
        " b=";

    private static readonly HeaderField[] s_headers =
    [
        HeaderField.FromString("From", " Joe SixPack <joe@football.example.com>"),
        HeaderField.FromString("To", " Suzie Q <suzie@shopping.example.net>"),
        HeaderField.FromString("Subject", " Is dinner ready?"),
        HeaderField.FromString("Date", " Fri, 11 Jul 2003 21:00:37 -0700 (PDT)"),
        HeaderField.FromString("Message-ID", " <20030712040037.46341.5F8J@football.example.com>"),
    ];

    private static readonly byte[] s_body = Encoding.ASCII.GetBytes("Hi.\r\n\r\nWe lost the game.  Are you hungry yet?\r\n\r\nJoe.\r\n");

    [Fact]
    public void TheRfcKeyPairIsRfc8032Test1()
    {
        using var key = Ed25519PrivateKey.ImportSeed(Convert.FromBase64String(PrivateKey));
        Assert.Equal(PublicKey, key.PublicKey.ToBase64());
    }

    [Fact]
    public async Task TheRelaxedBodyHashIsTheRfcBh()
    {
        using var hasher = new RelaxedBodyHasher();
        hasher.Append(s_body);
        Assert.Equal("2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=", Convert.ToBase64String(hasher.Finish()));
        Assert.Equal("2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=", Convert.ToBase64String(await RelaxedBodyHasher.HashAsync(new MemoryStream(s_body), default)));
    }

    [Fact]
    public void SigningTheRfcHashInputReproducesTheRfcSignature()
    {
        using var key = Ed25519PrivateKey.ImportSeed(Convert.FromBase64String(PrivateKey));
        string[] names = ["from", "to", "subject", "date", "message-id", "from", "subject", "date"];
        var digest = SignatureHeader.HashHeaders(s_headers, names, HeaderField.FromString("DKIM-Signature", SignatureWithoutB));
        Assert.Equal(Signature, Convert.ToBase64String(key.Sign(digest)));
    }

    [Fact]
    public void TheRfcSignatureVerifiesAndAChangedSubjectDoesNot()
    {
        var field = HeaderField.FromString("DKIM-Signature", SignatureWithoutB + "/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus\r\n Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==");
        Assert.True(TagList.TryParse(field.RawValue.Span, out var tags));
        var key = Ed25519PublicKey.FromBase64(PublicKey);
        Assert.True(SignatureHeaderVerifier.VerifyHeaderSignature(s_headers, field, tags, key));

        var changed = (HeaderField[])s_headers.Clone();
        changed[2] = HeaderField.FromString("Subject", " Is dinner ready?!");
        Assert.False(SignatureHeaderVerifier.VerifyHeaderSignature(changed, field, tags, key));

        // Relaxed canonicalization: refolding and extra white space change nothing.
        var munged = (HeaderField[])s_headers.Clone();
        munged[2] = HeaderField.FromString("SUBJECT ", "   Is\t dinner\r\n   ready?  ");
        Assert.True(SignatureHeaderVerifier.VerifyHeaderSignature(munged, field, tags, key));
    }
}
