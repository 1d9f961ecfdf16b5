namespace MailFilter.AuthClient.Protocol;

/// <summary><c>POST /v1/admin/users/add</c> (docs/whitelist.md §2).</summary>
public sealed record UserAddRequest
{
    public string? Name { get; init; }

    public string? Password { get; init; }

    /// <summary>"internal" (default) or "external".</summary>
    public string? Kind { get; init; }

    public IReadOnlyList<string>? Addresses { get; init; }
}
