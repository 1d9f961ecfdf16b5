namespace MailFilter.AuthClient.Protocol;

/// <summary>A user's list: whole (<see cref="Complete"/>) or the changes since a version, tombstones included.</summary>
public sealed record WhitelistResponse
{
    public required string User { get; init; }

    public long Version { get; init; }

    public bool Complete { get; init; }

    public IReadOnlyList<WhitelistEntry> Entries { get; init; } = [];
}
