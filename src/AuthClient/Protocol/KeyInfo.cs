namespace MailFilter.AuthClient.Protocol;

/// <summary>The public facts of one key (docs/authd-api.md §3.1). Never carries private material.</summary>
public sealed record KeyInfo
{
    /// <summary>The owner, in canonical form (docs/envelope.md §4).</summary>
    public required string Address { get; init; }

    public required KeyUse Use { get; init; }

    /// <summary>"ed25519" (sign) or "x25519" (encrypt).</summary>
    public required string Algorithm { get; init; }

    /// <summary>The 22-character key id (docs/envelope.md §2).</summary>
    public required string Kid { get; init; }

    /// <summary>The raw 32-byte public key (base64 on the wire).</summary>
    public required byte[] PublicKey { get; init; }

    /// <summary>The age recipient (<c>age1…</c>) of an encryption key; null for signing keys.</summary>
    public string? AgeRecipient { get; init; }

    public required DateTimeOffset NotBefore { get; init; }

    /// <summary>Null while the key is current; set when it was rotated out or revoked.</summary>
    public DateTimeOffset? NotAfter { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    public string? RevocationReason { get; init; }

    /// <summary>How the key came to be: first-use, generated, rotated, imported, restored.</summary>
    public required string Origin { get; init; }

    /// <summary>For a key of another domain found by discovery: how it is pinned (docs/authd-api.md §7.3); null for this server's own keys.</summary>
    public KeyPin? Pin { get; init; }

    /// <summary>True for the one key of this address and use that signs or is encrypted to now.</summary>
    public bool Current => NotAfter is null && RevokedAt is null;
}
