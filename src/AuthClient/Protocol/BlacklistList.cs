namespace MailFilter.AuthClient.Protocol;

/// <summary><c>GET /v1/admin/blacklist</c>.</summary>
public sealed record BlacklistList
{
    public IReadOnlyList<BlacklistEntry> Entries { get; init; } = [];
}
