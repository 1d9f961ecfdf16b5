using System.Globalization;

namespace MailFilter.AuthServer.Configuration;

/// <summary>
/// User and group names from /etc/passwd and /etc/group, for the allowed-peer lists of the socket API.
/// Read once at start: .NET has no getpwnam(3), and the accounts MailFilter needs (root, mailfilter,
/// postfix) are local ones on Debian, so NSS sources beyond the files are not consulted.
/// </summary>
public sealed class UnixAccounts
{
    private readonly Dictionary<string, int> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _groups = new(StringComparer.Ordinal);

    public UnixAccounts(string passwdPath = "/etc/passwd", string groupPath = "/etc/group")
    {
        Read(passwdPath, _users);
        Read(groupPath, _groups);
    }

    /// <summary>A user name or a number.</summary>
    public bool TryResolveUser(string nameOrId, out int uid) => TryResolve(nameOrId, _users, out uid);

    /// <summary>A group name or a number.</summary>
    public bool TryResolveGroup(string nameOrId, out int gid) => TryResolve(nameOrId, _groups, out gid);

    private static bool TryResolve(string nameOrId, Dictionary<string, int> table, out int id) =>
        int.TryParse(nameOrId, NumberStyles.None, CultureInfo.InvariantCulture, out id) || table.TryGetValue(nameOrId, out id);

    private static void Read(string path, Dictionary<string, int> table)
    {
        if (!File.Exists(path))
        {
            return;
        }

        // name:password:id:...
        foreach (var line in File.ReadLines(path))
        {
            var fields = line.Split(':');
            if (fields.Length >= 3 && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out int id))
            {
                table.TryAdd(fields[0], id);
            }
        }
    }
}
