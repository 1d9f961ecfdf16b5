namespace MailFilter.AuthClient.Protocol;

/// <summary>POST /v1/admin/keys/revoke: one key by kid, or the current keys of an address (one use or both).</summary>
public sealed record RevokeRequest
{
    public string? Kid { get; init; }

    public string? Address { get; init; }

    public KeyUse? Use { get; init; }

    /// <summary>Stored with the key and in the audit log, e.g. "compromised laptop".</summary>
    public string? Reason { get; init; }
}
