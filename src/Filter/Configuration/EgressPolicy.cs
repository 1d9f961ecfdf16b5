namespace MailFilter.Filter.Configuration;

/// <summary><c>egress</c> in [policy] sections (docs/whitelist.md §5): who an internal sender may send to.</summary>
public enum EgressPolicy
{
    /// <summary>Any recipient (the default).</summary>
    Open,

    /// <summary>Local recipients, and external ones on the sender's whitelist; an empty list allows no external recipient.</summary>
    Whitelist,
}
