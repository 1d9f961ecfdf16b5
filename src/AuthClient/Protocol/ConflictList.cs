namespace MailFilter.AuthClient.Protocol;

/// <summary><c>GET /v1/admin/conflicts</c>.</summary>
public sealed record ConflictList
{
    public IReadOnlyList<ConflictInfo> Conflicts { get; init; } = [];
}
