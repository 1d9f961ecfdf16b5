namespace MailFilter.AuthServer.Data;

/// <summary>A blacklist row; the address as text.</summary>
public sealed class BlacklistRow
{
    public long Id { get; init; }

    /// <summary>address or kid.</summary>
    public string Kind { get; init; } = string.Empty;

    public string? Address { get; init; }

    public byte[]? Kid { get; init; }

    public string? Identity { get; init; }

    public string Reason { get; init; } = string.Empty;

    public long? ConflictId { get; init; }

    public DateTime CreatedAt { get; init; }

    public string CreatedBy { get; init; } = string.Empty;

    public DateTime? Until { get; init; }

    public DateTime? RemovedAt { get; init; }

    public string? RemovedBy { get; init; }
}
