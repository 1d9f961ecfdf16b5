namespace MailFilter.AuthClient.Protocol;

/// <summary>
/// A different key seen for a pinned address and use (table key_pin_changes, docs/authd-api.md §7.4): pending
/// until a rotation announcement or the admin confirms it, or the admin rejects it.
/// </summary>
public sealed record PinChange
{
    public required long Id { get; init; }

    public required string Address { get; init; }

    public required KeyUse Use { get; init; }

    /// <summary>The confirmed current kid when the change was seen; absent if there was none usable.</summary>
    public string? OldKid { get; init; }

    public required string NewKid { get; init; }

    public required DateTimeOffset SeenAt { get; init; }

    /// <summary>The peer that presented the new key.</summary>
    public required string Source { get; init; }

    /// <summary>"pending", "accepted" or "rejected".</summary>
    public required string State { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>"announcement", or the admin (<c>uid=U pid=P</c>).</summary>
    public string? ResolvedBy { get; init; }
}
