namespace MailFilter.AuthServer.Data;

/// <summary>
/// A row of pinned_keys: a key of another domain's address as its server answered, and how far this server
/// trusts it. Mutable: the pin planner works on copies and the repository writes back what changed.
/// </summary>
public sealed class PinRow
{
    public long Id { get; set; }

    public string Address { get; set; } = string.Empty;

    public string Domain { get; set; } = string.Empty;

    public string KeyUse { get; set; } = string.Empty;

    public string Algorithm { get; set; } = string.Empty;

    public byte[] Kid { get; set; } = [];

    public byte[] PublicKey { get; set; } = [];

    public DateTime NotBefore { get; set; }

    public DateTime? NotAfter { get; set; }

    public DateTime? RevokedAt { get; set; }

    public string? RevocationReason { get; set; }

    public string Origin { get; set; } = string.Empty;

    /// <summary>confirmed, unconfirmed or rejected.</summary>
    public string State { get; set; } = string.Empty;

    /// <summary>first-use, announcement or admin; null unless confirmed.</summary>
    public string? ConfirmedBy { get; set; }

    public byte[]? ReplacesKid { get; set; }

    public bool IsCurrent { get; set; }

    public string Source { get; set; } = string.Empty;

    public DateTime FirstSeen { get; set; }

    public DateTime LastSeen { get; set; }

    public DateTime? ConfirmedAt { get; set; }

    public PinRow Clone() => (PinRow)MemberwiseClone();
}
