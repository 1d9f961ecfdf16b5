namespace MailFilter.AuthServer.Access;

/// <summary>What a socket peer may do (docs/authd-api.md §1). Each role includes the ones before it.</summary>
public enum PeerRole
{
    /// <summary>Not in any list: every request is refused with 403.</summary>
    None = 0,

    /// <summary>mailfilterd: key lookups, first use, sign, unwrap, status.</summary>
    Service = 1,

    /// <summary>mailfilterctl keys ...: provision, rotate, revoke, import, backup, restore.</summary>
    Admin = 2,

    /// <summary>uid 0: also the secret export.</summary>
    Root = 3,
}
