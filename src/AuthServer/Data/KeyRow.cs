namespace MailFilter.AuthServer.Data;

/// <summary>A row of keys joined with its address (Dapper maps the snake_case columns).</summary>
public sealed class KeyRow
{
    public long Id { get; init; }

    public long AddressId { get; init; }

    public string Address { get; init; } = string.Empty;

    public string KeyUse { get; init; } = string.Empty;

    public string Algorithm { get; init; } = string.Empty;

    public byte[] Kid { get; init; } = [];

    public byte[] PublicKey { get; init; } = [];

    public byte[] SealedPrivateKey { get; init; } = [];

    public DateTime NotBefore { get; init; }

    public DateTime? NotAfter { get; init; }

    public DateTime? RevokedAt { get; init; }

    public string? RevocationReason { get; init; }

    public string Origin { get; init; } = string.Empty;
}
