namespace MailFilter.AuthServer.Data;

/// <summary>A row of key_pin_changes: a different key seen for a pinned address and use, and what became of it.</summary>
public sealed class PinChangeRow
{
    public long Id { get; init; }

    public string Address { get; init; } = string.Empty;

    public string KeyUse { get; init; } = string.Empty;

    public byte[]? OldKid { get; init; }

    public byte[] NewKid { get; init; } = [];

    public DateTime SeenAt { get; init; }

    public string Source { get; init; } = string.Empty;

    /// <summary>pending, accepted or rejected.</summary>
    public string State { get; init; } = string.Empty;

    public DateTime? ResolvedAt { get; init; }

    public string? ResolvedBy { get; init; }
}
