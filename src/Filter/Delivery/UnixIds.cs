using System.Globalization;

namespace MailFilter.Filter.Delivery;

/// <summary>User and group names to numbers, from /etc/passwd and /etc/group (Debian's system accounts live there;
/// no NSS lookup is needed for mailfilter, postfix, vmail and the like).</summary>
internal static class UnixIds
{
    /// <summary>(uid, primary gid) of a user name or number.</summary>
    public static (int Uid, int Gid) ResolveUser(string user, string passwdPath = "/etc/passwd")
    {
        foreach (var line in File.ReadLines(passwdPath))
        {
            var f = line.Split(':');
            if (f.Length >= 4 && (f[0] == user || f[2] == user)
                && int.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out int uid)
                && int.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out int gid))
            {
                return (uid, gid);
            }
        }

        if (int.TryParse(user, NumberStyles.None, CultureInfo.InvariantCulture, out int number))
        {
            return (number, number);
        }

        throw new ArgumentException($"user \"{user}\" does not exist (looked in {passwdPath})", nameof(user));
    }

    /// <summary>The gid of a group name or number.</summary>
    public static int ResolveGroup(string group, string groupPath = "/etc/group")
    {
        if (int.TryParse(group, NumberStyles.None, CultureInfo.InvariantCulture, out int gid))
        {
            return gid;
        }

        foreach (var line in File.ReadLines(groupPath))
        {
            var f = line.Split(':');
            if (f.Length >= 3 && f[0] == group && int.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out gid))
            {
                return gid;
            }
        }

        throw new ArgumentException($"group \"{group}\" does not exist (looked in {groupPath})", nameof(group));
    }
}
