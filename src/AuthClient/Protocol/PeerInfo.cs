namespace MailFilter.AuthClient.Protocol;

/// <summary>A unix-socket peer as authd saw it (SO_PEERCRED) and the role it was given.</summary>
public sealed record PeerInfo
{
    public required int Pid { get; init; }

    public required int Uid { get; init; }

    public required int Gid { get; init; }

    /// <summary>"service", "admin" or "root".</summary>
    public required string Role { get; init; }
}
