namespace MailFilter.AuthServer.Data;

/// <summary>An address with its registration columns (migration 0003, docs/registry.md §6).</summary>
public sealed record AddressRow
{
    public long Id { get; init; }

    public required string Address { get; init; }

    public required string RegistrationState { get; init; }

    public string? DisplayCompany { get; init; }

    public string? DisplayName { get; init; }

    public DateTime? RequestedAt { get; init; }

    public DateTime? ConfirmedAt { get; init; }

    public DateTime? UnboundAt { get; init; }

    public DateTime? LastReminderAt { get; init; }

    public DateTime? LastMailAt { get; init; }

    public byte[]? CodeHash { get; init; }

    public DateTime? CodeExpiresAt { get; init; }

    public int CodeFailures { get; init; }
}
