namespace MailFilter.AuthClient.Protocol;

/// <summary>The public calls' body (docs/whitelist.md §3): credentials, and for changes or the long poll a version.</summary>
public sealed record WhitelistLoginRequest
{
    public string? Name { get; init; }

    public string? Password { get; init; }

    /// <summary>Only the changes after this version.</summary>
    public long? Since { get; init; }

    /// <summary>The long poll's wait in seconds (1 to 60, default 30).</summary>
    public int? Timeout { get; init; }
}
