using MailFilter.AuthServer.Data;
using MailFilter.Crypto.Keys;

namespace MailFilter.AuthServer.Discovery;

/// <summary>The pins of one address and when its peer last answered, as read at <see cref="LoadedAt"/>.</summary>
public sealed record PinSnapshot(string Address, IReadOnlyList<PinRow> Pins, DiscoveryStateRow? State, DateTime LoadedAt)
{
    public bool Lists(KeyId? kid) => kid is not { } k || Pins.Any(p => KeyId.FromBytes(p.Kid) == k);

    /// <summary>How old the last answer is; null if the peer never answered.</summary>
    public TimeSpan? Age(DateTime now) => State?.FetchedAt is { } fetched ? now - fetched : null;
}
