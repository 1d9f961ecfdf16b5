namespace MailFilter.AuthClient.Protocol;

/// <summary>One sending host and key of a conflict's window, as the history check saw it.</summary>
public sealed record ConflictSource
{
    public string Kid { get; init; } = string.Empty;

    /// <summary>The sending host's address; null when Postfix did not say (such a conflict is undecidable).</summary>
    public string? Address { get; init; }

    public string? Helo { get; init; }

    public DateTimeOffset First { get; init; }

    public DateTimeOffset Last { get; init; }

    /// <summary>Deliveries in the window.</summary>
    public long Count { get; init; }

    /// <summary>Whether the host had sessions with the recipient under the identity before the window.</summary>
    public bool History { get; init; }
}
