namespace MailFilter.AuthServer.Data;

/// <summary>A row of discovery_state: when an address was last asked for and last answered.</summary>
public sealed class DiscoveryStateRow
{
    public string Address { get; init; } = string.Empty;

    public string Source { get; init; } = string.Empty;

    /// <summary>The last answer (with keys or without); null if the peer never answered.</summary>
    public DateTime? FetchedAt { get; init; }

    /// <summary>That answer listed keys.</summary>
    public bool Found { get; init; }

    public DateTime AttemptedAt { get; init; }

    public string? LastError { get; init; }
}
