using MailFilter.Crypto.Age;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Keys;

namespace MailFilter.Crypto.Tests.Rfc;

/// <summary>RFC 7748 §6.1: the X25519 Diffie-Hellman example, and the all-zero rule.</summary>
public sealed class Rfc7748Tests
{
    private const string AlicePrivate = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
    private const string AlicePublic = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
    private const string BobPrivate = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
    private const string BobPublic = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
    private const string Shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";

    [Fact]
    public void PublicKeysAndSharedSecretMatchTheRfc()
    {
        using var alice = X25519PrivateKey.Import(Convert.FromHexString(AlicePrivate));
        using var bob = X25519PrivateKey.Import(Convert.FromHexString(BobPrivate));
        Assert.Equal(AlicePublic, Convert.ToHexStringLower(alice.PublicKey.AsSpan()));
        Assert.Equal(BobPublic, Convert.ToHexStringLower(bob.PublicKey.AsSpan()));

        var k1 = new byte[32];
        var k2 = new byte[32];
        Assert.True(alice.TryAgree(bob.PublicKey.AsSpan(), k1));
        Assert.True(bob.TryAgree(alice.PublicKey.AsSpan(), k2));
        Assert.Equal(Shared, Convert.ToHexStringLower(k1));
        Assert.Equal(Shared, Convert.ToHexStringLower(k2));
    }

    public static TheoryData<string> LowOrderPoints => new()
    {
        // Points of order 1, 2, 4 and 8 on Curve25519 and their non-canonical twins: all give zero.
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    };

    [Theory]
    [MemberData(nameof(LowOrderPoints))]
    public void AnAllZeroSharedSecretIsRejected(string point)
    {
        using var key = X25519PrivateKey.Generate();
        Assert.False(key.TryAgree(Convert.FromHexString(point), new byte[32]));

        // Unwrapping a stanza whose share is such a point is a reject, not "another recipient".
        var stanza = new X25519Stanza(Convert.FromHexString(point), new byte[32]);
        var e = Assert.Throws<EnvelopeException>(() => AgeX25519.TryUnwrap(stanza, key));
        Assert.Equal(EnvelopeError.ZeroSharedSecret, e.Error);
    }
}
