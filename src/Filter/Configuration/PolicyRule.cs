namespace MailFilter.Filter.Configuration;

/// <summary>What the policy says for one sender: whether to sign, how hard to try encrypting, and whom it may send to.</summary>
public sealed record PolicyRule(SignPolicy Sign, EncryptPolicy Encrypt)
{
    /// <summary><c>egress</c> (docs/whitelist.md §5).</summary>
    public EgressPolicy Egress { get; init; } = EgressPolicy.Open;

    /// <summary><c>whitelist_learn = verified</c> (docs/whitelist.md §6): verified mail delivered to this address teaches its user's whitelist the sender.</summary>
    public bool WhitelistLearn { get; init; }
}
