namespace MailFilter.AuthServer.Configuration;

/// <summary>
/// Who may use the unix-socket API, by the peer credentials the kernel reports (SO_PEERCRED). A peer is
/// checked by uid, primary gid and supplementary groups. Root is always an admin; only root may export
/// secrets (docs/authd-api.md §1).
/// </summary>
public sealed record AccessSettings
{
    /// <summary>Users allowed the service calls (keys, sign, unwrap, status): mailfilterd's user.</summary>
    public IReadOnlySet<int> ServiceUids { get; init; } = new HashSet<int>();

    public IReadOnlySet<int> ServiceGids { get; init; } = new HashSet<int>();

    /// <summary>Users allowed the admin calls as well (mailfilterctl keys ...). Root always is.</summary>
    public IReadOnlySet<int> AdminUids { get; init; } = new HashSet<int> { 0 };

    public IReadOnlySet<int> AdminGids { get; init; } = new HashSet<int>();
}
