using MailFilter.Filter.Configuration;

namespace MailFilter.Filter.Milter.Stages;

/// <summary>What the intent stage decided for one message: who signs, whether to sign, and how hard to
/// encrypt (the policy for the sender combined with the request headers; docs/pipeline.md step 2).</summary>
public sealed record OutboundIntent(string Sender, bool Sign, EncryptPolicy Encrypt)
{
    /// <summary>True when the message is changed at all (a signature, an envelope, or both).</summary>
    public bool Processes => Sign || Encrypt != EncryptPolicy.Never;
}
