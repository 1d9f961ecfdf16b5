namespace MailFilter.AuthServer.Data;

/// <summary>A conflicts row; addresses as text, <see cref="Sources"/> as the stored JSON.</summary>
public sealed class ConflictRow
{
    public long Id { get; init; }

    public string Identity { get; init; } = string.Empty;

    public string Recipient { get; init; } = string.Empty;

    public byte[][] Kids { get; init; } = [];

    public string Sources { get; init; } = "[]";

    public DateTime WindowStart { get; init; }

    public DateTime OpenedAt { get; init; }

    /// <summary>blocked or resolved.</summary>
    public string State { get; init; } = string.Empty;

    public string Reason { get; init; } = string.Empty;

    public string? Decision { get; init; }

    public byte[][]? GenuineKids { get; init; }

    public string[]? GenuineSources { get; init; }

    public byte[][]? ForgerKids { get; init; }

    public string[]? ForgerSources { get; init; }

    public DateTime? ResolvedAt { get; init; }

    public string? ResolvedBy { get; init; }

    public DateTime? NotifiedAt { get; init; }
}
