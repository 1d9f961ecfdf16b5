namespace MailFilter.AuthServer.Data;

/// <summary>One row of registrations (docs/registry.md §2), with the sender's display information when it has any.</summary>
public sealed record RegistrationRow
{
    public required string ConfirmationNo { get; init; }

    public required string Sender { get; init; }

    public required string[] Recipients { get; init; }

    public required DateTime MessageDate { get; init; }

    public required string Signature { get; init; }

    public string? MessageId { get; init; }

    public DateTime RegisteredAt { get; init; }

    public DateTime ExpiresAt { get; init; }

    public string? DisplayCompany { get; init; }

    public string? DisplayName { get; init; }
}
