using MailFilter.Filter.Configuration;

namespace MailFilter.Filter.Milter.Stages;

/// <summary>What the intent stage decided for one message: who signs, whether to sign, how hard to encrypt, and which
/// attachments become links (the policy for the sender combined with the request headers; docs/pipeline.md step 2).</summary>
public sealed record OutboundIntent(string Sender, bool Sign, EncryptPolicy Encrypt)
{
    /// <summary>Which attachments the links stage replaces (docs/attachments.md).</summary>
    public LinksPolicy Links { get; init; } = LinksPolicy.Never;

    /// <summary>Links made for this message follow the newest version of the file (<c>X-MailFilter-Links: latest</c>);
    /// otherwise they stay pinned to the content sent.</summary>
    public bool FollowLatest { get; init; }

    /// <summary>What a store that is full or unavailable means for this message.</summary>
    public LinksStoreFailure LinksStoreFailure { get; init; } = LinksStoreFailure.Tempfail;

    /// <summary>True when the message may be changed at all (a signature, an envelope, links).</summary>
    public bool Processes => Sign || Encrypt != EncryptPolicy.Never || Links.Mode != LinksMode.Never;
}
