using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signing;

namespace MailFilter.Crypto.Tests.Support;

/// <summary>A test user: an address with a signing key and an encryption key, as mailfilter-authd holds them.</summary>
internal sealed class Party : IDisposable
{
    public Party(string address, Ed25519PrivateKey signing, X25519PrivateKey encryption)
    {
        Address = address;
        Signing = signing;
        Encryption = encryption;
    }

    public string Address { get; }

    public Ed25519PrivateKey Signing { get; }

    public X25519PrivateKey Encryption { get; }

    public static Party Create(string address) => new(address, Ed25519PrivateKey.Generate(), X25519PrivateKey.Generate());

    /// <summary>A party whose keys derive from <paramref name="seed"/>: the same keys on every run.</summary>
    public static Party Deterministic(string address, byte seed)
    {
        var signingSeed = Enumerable.Repeat(seed, 32).Select((b, i) => (byte)(b ^ i)).ToArray();
        var scalar = Enumerable.Repeat((byte)(seed + 0x80), 32).Select((b, i) => (byte)(b ^ (i * 7))).ToArray();
        return new Party(address, Ed25519PrivateKey.ImportSeed(signingSeed), X25519PrivateKey.Import(scalar));
    }

    public SigningKeyRecord SigningRecord(DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, bool revoked = false) =>
        new(Signing.PublicKey, Address, notBefore ?? DateTimeOffset.UnixEpoch, notAfter, revoked);

    public string AgeIdentity()
    {
        Span<char> text = stackalloc char[X25519PrivateKey.AgeIdentityLength];
        int n = Encryption.ExportAgeIdentity(text);
        return new string(text[..n]);
    }

    public void Dispose()
    {
        Signing.Dispose();
        Encryption.Dispose();
    }
}
