namespace MailFilter.AuthClient.Protocol;

/// <summary>POST /v1/admin/keys/generate and /v1/admin/keys/rotate: one address, one use or both.</summary>
public sealed record AddressKeysRequest
{
    public required string Address { get; init; }

    /// <summary>Null for both uses.</summary>
    public KeyUse? Use { get; init; }
}
