namespace MailFilter.AuthClient.Protocol;

/// <summary>
/// The public listener's answer to GET /.well-known/mailfilter/v1/keys?address= (docs/authd-api.md §7.1):
/// every key of the address and the rotation announcements that link them. A superset of <see cref="KeyList"/>.
/// </summary>
public sealed record DiscoveryResponse
{
    public required IReadOnlyList<KeyInfo> Keys { get; init; }

    /// <summary>Oldest first; absent or empty when the address was never rotated with `mailfilterctl keys rotate`.</summary>
    public IReadOnlyList<KeyRotation>? Rotations { get; init; }
}
