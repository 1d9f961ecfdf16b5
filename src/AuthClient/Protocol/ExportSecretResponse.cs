namespace MailFilter.AuthClient.Protocol;

/// <summary>The answer to POST /v1/admin/keys/export-secret.</summary>
public sealed record ExportSecretResponse
{
    public required IReadOnlyList<SecretIdentity> Identities { get; init; }
}
