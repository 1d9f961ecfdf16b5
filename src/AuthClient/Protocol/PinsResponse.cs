namespace MailFilter.AuthClient.Protocol;

/// <summary>GET /v1/admin/pins and the answer to accept and reject: pinned keys (with <see cref="KeyInfo.Pin"/>) and pin changes.</summary>
public sealed record PinsResponse
{
    public required IReadOnlyList<KeyInfo> Keys { get; init; }

    public required IReadOnlyList<PinChange> Changes { get; init; }
}
