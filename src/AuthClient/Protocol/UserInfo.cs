namespace MailFilter.AuthClient.Protocol;

/// <summary>A whitelist user as the admin calls answer it (never the password hash).</summary>
public sealed record UserInfo
{
    public required string Name { get; init; }

    /// <summary>"internal" or "external".</summary>
    public required string Kind { get; init; }

    public IReadOnlyList<string> Addresses { get; init; } = [];

    public long WhitelistVersion { get; init; }

    /// <summary>How many live entries the user's list has.</summary>
    public long Entries { get; init; }

    public DateTimeOffset Created { get; init; }
}
