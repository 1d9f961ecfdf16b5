namespace MailFilter.AuthClient.Protocol;

/// <summary><c>POST /v1/registry/register</c> (docs/registry.md §4.1): one copy of a signed message.</summary>
public sealed record RegisterMessageRequest
{
    public required string Sender { get; init; }

    public required IReadOnlyList<string> Recipients { get; init; }

    /// <summary>The message's Date: (RFC 3339 on the wire).</summary>
    public required DateTimeOffset Date { get; init; }

    /// <summary>128 hex characters (RegistrySignature).</summary>
    public required string Signature { get; init; }

    public string? MessageId { get; init; }
}
