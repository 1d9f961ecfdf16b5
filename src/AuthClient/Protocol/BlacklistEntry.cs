namespace MailFilter.AuthClient.Protocol;

/// <summary>A blacklist entry (docs/conflicts.md §4): exactly one of <see cref="Address"/> and <see cref="Kid"/>.</summary>
public sealed record BlacklistEntry
{
    public long Id { get; init; }

    /// <summary>A sending host's address.</summary>
    public string? Address { get; init; }

    /// <summary>A key id, refused for every identity.</summary>
    public string? Kid { get; init; }

    /// <summary>The identity a blacklisted kid was claimed for (information).</summary>
    public string? Identity { get; init; }

    public string Reason { get; init; } = string.Empty;

    /// <summary>The conflict that put it here, if one did.</summary>
    public long? Conflict { get; init; }

    public DateTimeOffset Created { get; init; }

    public string CreatedBy { get; init; } = string.Empty;

    public DateTimeOffset? Until { get; init; }

    public DateTimeOffset? Removed { get; init; }

    public string? RemovedBy { get; init; }
}
