namespace MailFilter.Filter.Configuration;

/// <summary>What the policy says for one sender: whether to sign, how hard to try encrypting, whom it may send to, and
/// which attachments become links.</summary>
public sealed record PolicyRule(SignPolicy Sign, EncryptPolicy Encrypt)
{
    /// <summary><c>egress</c> (docs/whitelist.md §5).</summary>
    public EgressPolicy Egress { get; init; } = EgressPolicy.Open;

    /// <summary><c>whitelist_learn = verified</c> (docs/whitelist.md §6): verified mail delivered to this address teaches its user's whitelist the sender.</summary>
    public bool WhitelistLearn { get; init; }

    /// <summary><c>links</c> (docs/attachments.md).</summary>
    public LinksPolicy Links { get; init; } = LinksPolicy.Never;

    /// <summary><c>links_store_failure</c> (docs/attachments.md).</summary>
    public LinksStoreFailure LinksStoreFailure { get; init; } = LinksStoreFailure.Tempfail;
}
