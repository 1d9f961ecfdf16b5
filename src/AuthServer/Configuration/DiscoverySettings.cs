namespace MailFilter.AuthServer.Configuration;

/// <summary>
/// [discovery]: which peer server answers for which domain, and how long what it said is trusted without
/// asking again (docs/configuration.md, docs/authd-api.md §7.3). Keys with a dot are domains of the peer
/// map; the others are the settings below.
/// </summary>
public sealed record DiscoverySettings
{
    /// <summary>Domain (canonical) → the peer's public listener (scheme, host, port; no path).</summary>
    public IReadOnlyDictionary<string, Uri> Peers { get; init; } = new Dictionary<string, Uri>(StringComparer.Ordinal);

    /// <summary>A peer's answer is used without asking it again for this long.</summary>
    public TimeSpan CacheTtl { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>An answer without keys (the peer does not serve the address, or it has none yet) is remembered this long.</summary>
    public TimeSpan NegativeTtl { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>When the peer does not answer, the last answer keeps serving until it is this old; after that lookups are "unavailable".</summary>
    public TimeSpan MaxStale { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Connecting to the peer and reading its answer, together. Keep under mailfilterd's 5 s request timeout.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The least time between two fetches of one address (after a failure, or for a kid the last answer did not list).</summary>
    public TimeSpan RefetchInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The peer for the domain of <paramref name="canonicalAddress"/>, if one is configured.</summary>
    public Uri? PeerFor(string canonicalAddress) =>
        Peers.TryGetValue(canonicalAddress[(canonicalAddress.LastIndexOf('@') + 1)..], out var peer) ? peer : null;
}
