using System.Text;

namespace MailFilter.Crypto.Tests.Keys;

public sealed class Argon2idTests
{
    // Computed once with the Argon2 reference implementation (Debian package argon2, 0~20171227):
    //   echo -n "correct horse battery staple" | argon2 "mailfilter-salt!" -id -t 3 -k 1024 -p 1 -l 32 -r / -e
    private const string ReferenceRaw = "f4f58edc106781968d629e0f174de1bb83882a0391929227d628772958886861";
    private const string ReferenceEncoded = "$argon2id$v=19$m=1024,t=3,p=1$bWFpbGZpbHRlci1zYWx0IQ$9PWO3BBngZaNYp4PF03hu4OIKgORkpIn1ih3KViIaGE";
    private static readonly Argon2idParameters s_cheap = new(3, 1024 * 1024);

    [Fact]
    public void DeriveKeyMatchesTheReferenceImplementation()
    {
        var key = new byte[32];
        Argon2id.DeriveKey(Encoding.UTF8.GetBytes("correct horse battery staple"), Encoding.ASCII.GetBytes("mailfilter-salt!"), s_cheap, key);
        Assert.Equal(ReferenceRaw, Convert.ToHexStringLower(key));
    }

    [Fact]
    public void AReferenceEncodedHashVerifies()
    {
        Assert.True(Argon2id.VerifyPassword(ReferenceEncoded, "correct horse battery staple"));
        Assert.False(Argon2id.VerifyPassword(ReferenceEncoded, "correct horse battery stapler"));
        Assert.False(Argon2id.VerifyPassword("not a hash", "x"));
    }

    [Fact]
    public void HashPasswordRoundTripsAndKnowsWhenToRehash()
    {
        var hash = Argon2id.HashPassword("s3cret", s_cheap);
        Assert.StartsWith("$argon2id$v=19$m=1024,t=3,p=1$", hash, StringComparison.Ordinal);
        Assert.True(Argon2id.VerifyPassword(hash, "s3cret"));
        Assert.False(Argon2id.VerifyPassword(hash, "S3cret"));
        Assert.False(Argon2id.NeedsRehash(hash, s_cheap));
        Assert.True(Argon2id.NeedsRehash(hash, Argon2idParameters.Interactive));
        Assert.NotEqual(hash, Argon2id.HashPassword("s3cret", s_cheap));
    }

    [Fact]
    public void CostsBelowTheMinimumAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Argon2id.HashPassword("x", new Argon2idParameters(0, 1 << 20)));
        Assert.Throws<ArgumentException>(() => Argon2id.DeriveKey("x"u8, new byte[8], s_cheap, new byte[32]));
    }
}
