namespace MailFilter.AuthClient.Protocol;

/// <summary>
/// A rotation announcement on the public listener (docs/authd-api.md §7.2): "kid NEW replaces kid OLD for
/// this address and use", signed with the signing key that was current before the rotation.
/// </summary>
public sealed record KeyRotation
{
    public required KeyUse Use { get; init; }

    public required string OldKid { get; init; }

    public required string NewKid { get; init; }

    /// <summary>The Ed25519 key that signed: the old key itself for a signing key, the signing key of the time for an encryption key.</summary>
    public required string SignerKid { get; init; }

    public required DateTimeOffset RotatedAt { get; init; }

    /// <summary>Ed25519 (64 bytes) over the statement of docs/authd-api.md §7.2.</summary>
    public required byte[] Signature { get; init; }
}
