namespace MailFilter.AuthClient.Protocol;

/// <summary>A list of keys: GET /v1/keys, GET /v1/admin/keys, discovery.</summary>
public sealed record KeyList
{
    public required IReadOnlyList<KeyInfo> Keys { get; init; }
}
