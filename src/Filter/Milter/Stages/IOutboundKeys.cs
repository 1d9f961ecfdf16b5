using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signing;

namespace MailFilter.Filter.Milter.Stages;

/// <summary>Where the sign and encrypt stages get keys: mailfilter-authd in production
/// (<see cref="AuthdOutboundKeys"/>), keys in memory in tests.</summary>
public interface IOutboundKeys
{
    /// <summary>The signer for a local sender (its key created on first use).</summary>
    Task<IMessageSigner> GetSignerAsync(string sender, CancellationToken cancellationToken);

    /// <summary>The recipient's current encryption key, or null when it has none: a local recipient's key is
    /// created on first use; another domain's comes from authd's lookup (discovery).</summary>
    Task<X25519PublicKey?> FindEncryptionKeyAsync(string recipient, CancellationToken cancellationToken);

    /// <summary>Drops what is known about the address (its signing key was rotated): the next call asks again.</summary>
    void Forget(string address);
}
