namespace MailFilter.AuthClient.Protocol;

/// <summary>POST /v1/keys/current: the current key of an address, created on first use when allowed.</summary>
public sealed record CurrentKeyRequest
{
    public required string Address { get; init; }

    public required KeyUse Use { get; init; }

    /// <summary>Create the key if the address has none and is in a local domain (absent or null: true).</summary>
    public bool? Create { get; init; }
}
