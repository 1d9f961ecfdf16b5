namespace MailFilter.AuthClient.Protocol;

/// <summary>The user's own change on the public listener (docs/whitelist.md §3.5): credentials, and entries to add or targets to remove.</summary>
public sealed record WhitelistUserChangeRequest
{
    public string? Name { get; init; }

    public string? Password { get; init; }

    public IReadOnlyList<WhitelistEntry>? Entries { get; init; }

    public IReadOnlyList<string>? Targets { get; init; }
}
