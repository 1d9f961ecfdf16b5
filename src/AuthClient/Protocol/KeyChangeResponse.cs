namespace MailFilter.AuthClient.Protocol;

/// <summary>What an admin key operation did: keys created, retired (rotated out), revoked, or left as they were.</summary>
public sealed record KeyChangeResponse
{
    public IReadOnlyList<KeyInfo> Created { get; init; } = [];

    public IReadOnlyList<KeyInfo> Retired { get; init; } = [];

    public IReadOnlyList<KeyInfo> Revoked { get; init; } = [];

    public IReadOnlyList<KeyInfo> Unchanged { get; init; } = [];
}
