namespace MailFilter.AuthClient.Protocol;

/// <summary>One whitelist entry (docs/whitelist.md §1): exactly one of <see cref="Address"/> and <see cref="Domain"/>.</summary>
public sealed record WhitelistEntry
{
    public string? Address { get; init; }

    public string? Domain { get; init; }

    /// <summary>The contact's name.</summary>
    public string? Name { get; init; }

    public string? Nickname { get; init; }

    public string? Notes { get; init; }

    /// <summary>In answers: the list version of the entry's last change.</summary>
    public long? Version { get; init; }

    /// <summary>In change lists: the entry was removed at <see cref="Version"/>.</summary>
    public bool? Removed { get; init; }

    /// <summary>In answers: true when learning added the entry (docs/whitelist.md §6) and nobody edited it since. Ignored in requests.</summary>
    public bool? Learned { get; init; }

    /// <summary>The address or the domain, whichever is set.</summary>
    public string Target => Address ?? Domain ?? string.Empty;
}
