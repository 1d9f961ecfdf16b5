namespace MailFilter.AuthClient.Protocol;

/// <summary>A sender address's registration (docs/registry.md §4.1, §6).</summary>
public sealed record AddressRecord
{
    public required string Address { get; init; }

    /// <summary>none, pending, confirmed or unbound.</summary>
    public required string State { get; init; }

    public string? Company { get; init; }

    public string? Name { get; init; }

    public DateTimeOffset? RequestedAt { get; init; }

    public DateTimeOffset? ConfirmedAt { get; init; }

    public DateTimeOffset? UnboundAt { get; init; }

    public DateTimeOffset? LastReminderAt { get; init; }

    public DateTimeOffset? LastMailAt { get; init; }

    /// <summary>In answers to register and remind: false when the resend limit held the mail back.</summary>
    public bool? MailSent { get; init; }
}
