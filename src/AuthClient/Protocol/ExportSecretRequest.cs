namespace MailFilter.AuthClient.Protocol;

/// <summary>POST /v1/admin/keys/export-secret (root only): the X25519 identities of an address.</summary>
public sealed record ExportSecretRequest
{
    public required string Address { get; init; }

    /// <summary>One key; null for every encryption key of the address (current and previous), so old mail opens too.</summary>
    public string? Kid { get; init; }
}
