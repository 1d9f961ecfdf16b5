namespace MailFilter.Cli.Commands.Operations;

/// <summary>Users from /etc/passwd and file permissions as a given uid and gid (no supplementary groups) see them.</summary>
internal static class UnixAccounts
{
    public static bool TryUser(string name, out int uid, out int gid)
    {
        uid = gid = -1;
        if (!File.Exists("/etc/passwd"))
        {
            return false;
        }

        foreach (var line in File.ReadLines("/etc/passwd"))
        {
            var f = line.Split(':');
            if (f.Length >= 4 && f[0] == name && int.TryParse(f[2], out uid) && int.TryParse(f[3], out gid))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="uid"/>/<paramref name="gid"/> has the permission (owner, group or other bit, as
    /// the kernel picks the class) on <paramref name="path"/>. Root is allowed everything.</summary>
    public static bool Allows(string path, int uid, int gid, UnixFileMode user, UnixFileMode group, UnixFileMode other)
    {
        if (uid == 0)
        {
            return true;
        }

        var (owner, ownerGroup) = Owner(path);
        var mode = File.GetUnixFileMode(path);
        return owner == uid ? (mode & user) != 0 : ownerGroup == gid ? (mode & group) != 0 : (mode & other) != 0;
    }

    /// <summary>The owner and group ids of a file (stat(1): .NET shows modes but not owners).</summary>
    public static (int Uid, int Gid) Owner(string path)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/usr/bin/stat", ["-c", "%u %g", path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new IOException("cannot run stat");
        var ids = process.StandardOutput.ReadToEnd().Split(' ', StringSplitOptions.TrimEntries);
        process.WaitForExit();
        return ids.Length == 2 && int.TryParse(ids[0], out int uid) && int.TryParse(ids[1], out int gid) ? (uid, gid)
            : throw new IOException($"cannot stat {path}");
    }
}
