using MailFilter.Crypto.Keys;

namespace MailFilter.Crypto.Signing;

/// <summary>
/// Where a sender's signature comes from. In mailfilterd it is a client of mailfilter-authd's
/// "sign a to-be-signed digest" call; in-process (tests, the CLI, authd itself) it is
/// <see cref="LocalMessageSigner"/>. Sealing and header signing verify what comes back against
/// <see cref="PublicKey"/>, so a wrong key or a corrupt reply never leaves the machine.
/// </summary>
public interface IMessageSigner
{
    /// <summary>The sender's Ed25519 public key; its kid goes into the manifest or the <c>s=</c> tag before signing.</summary>
    Ed25519PublicKey PublicKey { get; }

    /// <summary>Returns the 64-byte Ed25519 signature of <paramref name="toBeSigned"/> (whose shape <paramref name="purpose"/> declares).</summary>
    ValueTask<byte[]> SignAsync(SignaturePurpose purpose, ReadOnlyMemory<byte> toBeSigned, CancellationToken cancellationToken);
}
