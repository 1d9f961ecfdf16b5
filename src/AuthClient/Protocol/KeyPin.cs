namespace MailFilter.AuthClient.Protocol;

/// <summary>
/// How this authd came to hold a key of another domain (docs/authd-api.md §7.3): present on keys found by
/// discovery and pinned, absent on the server's own keys.
/// </summary>
public sealed record KeyPin
{
    /// <summary>"confirmed" (used), "unconfirmed" (seen, not used: a pin change waits), "rejected" (refused by the admin).</summary>
    public required string State { get; init; }

    /// <summary>"first-use" (trust on first use), "announcement" (a rotation signed by the old key), "admin"; absent unless confirmed.</summary>
    public string? ConfirmedBy { get; init; }

    /// <summary>The kid of the key this one replaced, when it was confirmed as a replacement.</summary>
    public string? Replaces { get; init; }

    /// <summary>True for the one confirmed key per address and use that lookups answer as current.</summary>
    public required bool Current { get; init; }

    /// <summary>The peer it was fetched from (the [discovery] URL).</summary>
    public required string Source { get; init; }

    public required DateTimeOffset FirstSeen { get; init; }

    /// <summary>The last time the peer's answer listed it.</summary>
    public required DateTimeOffset LastSeen { get; init; }
}
