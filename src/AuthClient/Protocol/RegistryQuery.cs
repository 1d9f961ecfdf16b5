namespace MailFilter.AuthClient.Protocol;

/// <summary>A registry query (docs/registry.md §4.2). Strings on the wire: the server validates each and names the field it refuses.</summary>
public sealed record RegistryQuery
{
    public string? Sender { get; init; }

    public string? Recipient { get; init; }

    /// <summary>RFC 3339, or an RFC 5322 date-time.</summary>
    public string? Date { get; init; }

    public string? ConfirmationNo { get; init; }

    /// <summary>128 hex characters.</summary>
    public string? Signature { get; init; }
}
