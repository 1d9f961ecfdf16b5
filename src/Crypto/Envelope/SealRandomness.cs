using System.Security.Cryptography;
using MailFilter.Crypto.Keys;

namespace MailFilter.Crypto.Envelope;

/// <summary>
/// The random choices of sealing: file key, ephemeral keys, payload nonce and stanza order. Always
/// the operating system's randomness in production; the test vectors replace it to be reproducible.
/// </summary>
internal class SealRandomness
{
    public static SealRandomness System { get; } = new();

    public virtual FileKey NewFileKey() => FileKey.Generate();

    public virtual X25519PrivateKey NewEphemeralKey() => X25519PrivateKey.Generate();

    public virtual void FillNonce(Span<byte> nonce) => RandomNumberGenerator.Fill(nonce);

    /// <summary>Shuffles the stanza order, so the order reveals nothing about the recipients (§3.2).</summary>
    public virtual void Shuffle<T>(Span<T> items) => RandomNumberGenerator.Shuffle(items);
}
