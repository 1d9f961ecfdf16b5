using MailFilter.Crypto.Codecs;
using MailFilter.Crypto.Keys;

namespace MailFilter.Crypto.Tests.Keys;

public sealed class KeyEncodingTests
{
    // age's own test vector (filippo.io/age, x25519_test.go): this identity has this recipient.
    private const string AgeIdentity = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";
    private const string AgeRecipient = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj";

    [Fact]
    public void TheAgeTestIdentityGivesTheAgeTestRecipient()
    {
        using var identity = X25519PrivateKey.ImportAgeIdentity(AgeIdentity);
        Assert.Equal(AgeRecipient, identity.PublicKey.ToAgeRecipient());
        var text = new char[X25519PrivateKey.AgeIdentityLength];
        Assert.Equal(AgeIdentity.Length, identity.ExportAgeIdentity(text));
        Assert.Equal(AgeIdentity, new string(text));
    }

    [Theory]
    [InlineData("age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwk")] // checksum
    [InlineData("AGE1ZVKYG2LQZRAA2LNJVQEJ32NKUU0UES2S82HZRYE869XEEXVN73EQUNUJWJ")] // age writes lower case
    [InlineData("age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73eqUnujwj")] // mixed case
    [InlineData("agf1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj")] // prefix
    [InlineData("age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq")] // length
    public void MalformedRecipientsAreRefused(string text)
    {
        Assert.False(X25519PublicKey.TryParseAgeRecipient(text, out _));
    }

    [Fact]
    public void ALowerCaseIdentityIsRefused()
    {
        Assert.Throws<FormatException>(() => X25519PrivateKey.ImportAgeIdentity(AgeIdentity.ToLowerInvariant()));
    }

    [Fact]
    public void Bech32RoundTripsLongData()
    {
        // BIP 173 limits strings to 90 characters; age does not, and neither do we.
        var data = Enumerable.Range(0, 200).Select(i => (byte)i).ToArray();
        var text = new char[Bech32.EncodedLength(3, data.Length)];
        Bech32.Encode("xyz", data, text);
        var back = new byte[200];
        Assert.True(Bech32.TryDecode(text, "xyz", back, out int n));
        Assert.Equal(data, back[..n]);
    }

    [Fact]
    public void KeyIdsFollowTheSpecAndRoundTripAsText()
    {
        // kid = SHA-256("mailfilter/v1 kid" 0x00 alg pk)[0..16]; RFC 8032 TEST 1 public key.
        var pk = Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        var expected = System.Security.Cryptography.SHA256.HashData([.. "mailfilter/v1 kid\0"u8.ToArray(), 0x01, .. pk])[..16];
        var kid = Ed25519PublicKey.Import(pk).KeyId;
        Assert.Equal(expected, kid.ToArray());
        Assert.Equal(KeyId.TextLength, kid.ToString().Length);
        Assert.Equal(kid, KeyId.Parse(kid.ToString()));
        Assert.NotEqual(kid, KeyId.Compute(KeyAlgorithm.X25519, pk));
        Assert.False(KeyId.TryParse(kid + "=", out _));

        // 22 characters carry 132 bits for 128: the last character's 4 low bits must be zero.
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        var text = kid.ToString();
        var nonCanonical = text[..21] + alphabet[alphabet.IndexOf(text[21], StringComparison.Ordinal) | 1];
        Assert.False(KeyId.TryParse(nonCanonical, out _));
        Assert.Equal(16, Base64NoPad.DecodedLength(KeyId.TextLength));
    }

    [Fact]
    public void ADisposedKeyRefusesToWork()
    {
        var key = Ed25519PrivateKey.Generate();
        key.Dispose();
        Assert.Throws<ObjectDisposedException>(() => key.Sign([1, 2, 3]));
        var x = X25519PrivateKey.Generate();
        x.Dispose();
        Assert.Throws<ObjectDisposedException>(() => x.Export(new byte[32]));
    }

    [Fact]
    public void TheSelfTestReportsTheLoadedLibrary()
    {
        CryptoLibrary.EnsureInitialized();
        Assert.StartsWith("1.0.", CryptoLibrary.LibsodiumVersion, StringComparison.Ordinal);
        Assert.StartsWith("libsodium.so", CryptoLibrary.LibsodiumFileName, StringComparison.Ordinal);
    }
}
