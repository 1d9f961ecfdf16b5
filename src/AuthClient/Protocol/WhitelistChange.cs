namespace MailFilter.AuthClient.Protocol;

/// <summary>What an add or remove did, and the list version after it.</summary>
public sealed record WhitelistChange
{
    public required string User { get; init; }

    public long Version { get; init; }

    public int Added { get; init; }

    public int Updated { get; init; }

    public int Removed { get; init; }
}
