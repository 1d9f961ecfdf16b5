using MailFilter.Crypto.Keys;

namespace MailFilter.Crypto.Envelope;

/// <summary>An envelope that passed every receive check; the inner message is in the caller's spool, positioned at 0.</summary>
public sealed class OpenedEnvelope
{
    internal OpenedEnvelope(EnvelopeManifest manifest, KeyId recipientKid, long contentLength, byte[] headerHash, byte[] contentHash, byte[] signature)
    {
        Manifest = manifest;
        RecipientKid = recipientKid;
        ContentLength = contentLength;
        HeaderHash = headerHash;
        ContentHash = contentHash;
        Signature = signature;
    }

    public EnvelopeManifest Manifest { get; }

    /// <summary>The kid of the recipient key that opened it.</summary>
    public KeyId RecipientKid { get; }

    /// <summary>Bytes of inner message in the spool.</summary>
    public long ContentLength { get; }

    public byte[] HeaderHash { get; }

    public byte[] ContentHash { get; }

    public byte[] Signature { get; }
}
