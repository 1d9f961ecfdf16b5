using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Signature;

namespace MailFilter.Messages;

/// <summary>How <see cref="InboundVerifier"/> judges mail: which domains are ours, limits, clocks, where to spool.</summary>
public sealed record InboundOptions
{
    /// <summary>
    /// Domains that use MailFilter (canonical: lower case, A-labels). Mail whose From: names one of them must carry
    /// a valid signature; without one it fails instead of getting <see cref="InboundVerdict.None"/>.
    /// </summary>
    public IReadOnlySet<string> LocalDomains { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Limits and clock of envelope opening (receive steps 3-15).</summary>
    public EnvelopeOpenOptions Envelope { get; init; } = EnvelopeOpenOptions.Default;

    /// <summary>Clock and limits of MailFilter-Signature verification.</summary>
    public SignatureHeaderVerifyOptions Signature { get; init; } = SignatureHeaderVerifyOptions.Default;

    /// <summary>Where the decoded age file and the decrypted message are spooled: memory up to the threshold, else
    /// owner-only unlinked files.</summary>
    public SpoolOptions Spool { get; init; } = SpoolOptions.Default;
}
