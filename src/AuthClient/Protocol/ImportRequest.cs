namespace MailFilter.AuthClient.Protocol;

/// <summary>POST /v1/admin/keys/import: a private key made elsewhere becomes the address's current key for its use.</summary>
public sealed record ImportRequest
{
    public required string Address { get; init; }

    public required KeyUse Use { get; init; }

    /// <summary>encrypt: an age identity (<c>AGE-SECRET-KEY-1…</c>); sign: the base64 32-byte Ed25519 seed (RFC 8032 private key).</summary>
    public required string PrivateKey { get; init; }
}
