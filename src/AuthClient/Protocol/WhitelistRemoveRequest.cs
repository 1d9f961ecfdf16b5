namespace MailFilter.AuthClient.Protocol;

/// <summary><c>POST /v1/admin/whitelist/remove</c>: targets are addresses or domains on the user's list.</summary>
public sealed record WhitelistRemoveRequest
{
    public string? User { get; init; }

    public IReadOnlyList<string>? Targets { get; init; }
}
