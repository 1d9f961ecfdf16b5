namespace MailFilter.Crypto.Envelope;

/// <summary>What sealing produced, besides the envelope bytes: for logs, the registry (M2) and archived proofs.</summary>
public sealed class SealedEnvelope
{
    internal SealedEnvelope(EnvelopeManifest manifest, byte[] headerHash, byte[] contentHash, byte[] toBeSigned, byte[] signature, long length)
    {
        Manifest = manifest;
        HeaderHash = headerHash;
        ContentHash = contentHash;
        ToBeSigned = toBeSigned;
        Signature = signature;
        Length = length;
    }

    public EnvelopeManifest Manifest { get; }

    /// <summary>SHA-256 of the age header: a signature can only be re-verified together with that header (§8).</summary>
    public byte[] HeaderHash { get; }

    /// <summary>SHA-256 of the content.</summary>
    public byte[] ContentHash { get; }

    /// <summary>The 141-byte transcript that was signed.</summary>
    public byte[] ToBeSigned { get; }

    /// <summary>The 64-byte Ed25519 signature.</summary>
    public byte[] Signature { get; }

    /// <summary>Bytes written: the whole age file.</summary>
    public long Length { get; }
}
