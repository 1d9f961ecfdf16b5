using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Keys;

namespace MailFilter.Crypto.Tests.Vectors;

/// <summary>Fixed "random" choices, so a vector's envelope is reproducible byte for byte. Stanzas keep the order given.</summary>
internal sealed class DeterministicRandomness(byte[] fileKey, byte[] nonce, IReadOnlyList<byte[]> ephemeralScalars) : SealRandomness
{
    private int _next;

    public override FileKey NewFileKey() => FileKey.Import(fileKey);

    public override X25519PrivateKey NewEphemeralKey() => X25519PrivateKey.Import(ephemeralScalars[_next++]);

    public override void FillNonce(Span<byte> destination) => nonce.CopyTo(destination);

    public override void Shuffle<T>(Span<T> items)
    {
    }
}
