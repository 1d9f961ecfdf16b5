namespace MailFilter.AuthClient.Protocol;

/// <summary>GET /v1/status: what `mailfilterctl status` prints.</summary>
public sealed record StatusResponse
{
    public required string Version { get; init; }

    public required DateTimeOffset Started { get; init; }

    /// <summary>"ok" or "degraded" (the database does not answer).</summary>
    public required string State { get; init; }

    public required bool DatabaseReachable { get; init; }

    public int? SchemaVersion { get; init; }

    public required int LatestSchemaVersion { get; init; }

    public long? Addresses { get; init; }

    public long? CurrentKeys { get; init; }

    public long? RetiredKeys { get; init; }

    public long? RevokedKeys { get; init; }

    public required int CachedAddresses { get; init; }

    public required IReadOnlyList<string> LocalDomains { get; init; }

    /// <summary>The caller's credentials as authd saw them (SO_PEERCRED) and the role they grant.</summary>
    public required PeerInfo Peer { get; init; }
}
