using MailFilter.AuthServer.Configuration;

namespace MailFilter.AuthServer.Access;

/// <summary>Peer credentials to a role, from [authd] api_users/api_groups/admin_users/admin_groups. Root is always root; the user authd runs as is always a service peer.</summary>
public sealed class AccessPolicy(AccessSettings settings, int ownUid)
{
    private readonly AccessSettings _settings = settings;
    private readonly int _ownUid = ownUid;

    public PeerRole RoleOf(PeerCredentials peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (peer.Uid == 0)
        {
            return PeerRole.Root;
        }

        if (_settings.AdminUids.Contains(peer.Uid) || InAny(peer, _settings.AdminGids))
        {
            return PeerRole.Admin;
        }

        if (peer.Uid == _ownUid || _settings.ServiceUids.Contains(peer.Uid) || InAny(peer, _settings.ServiceGids))
        {
            return PeerRole.Service;
        }

        return PeerRole.None;
    }

    /// <summary>The effective uid of this process (from /proc/self/status: .NET has no geteuid).</summary>
    public static int CurrentUid()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
            {
                // Uid: real effective saved filesystem
                return int.Parse(line["Uid:".Length..].Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }

    private static bool InAny(PeerCredentials peer, IReadOnlySet<int> gids) => gids.Contains(peer.Gid) || peer.Groups.Overlaps(gids);
}
