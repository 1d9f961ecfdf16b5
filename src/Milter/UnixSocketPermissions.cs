using System.Globalization;
using System.Runtime.InteropServices;

namespace MailFilter.Milter;

/// <summary>Mode and group of the listening unix socket, so that Postfix (group <c>postfix</c>, or the
/// <c>mailfilter</c> group Postfix is added to) can connect and nobody else can.</summary>
internal static partial class UnixSocketPermissions
{
    public static void Apply(string path, UnixFileMode? mode, string? group)
    {
        if (!string.IsNullOrEmpty(group))
        {
            int gid = ResolveGroup(group);
            if (chown(path, -1, gid) != 0)
            {
                throw new IOException($"cannot set group {group} on {path}: errno {Marshal.GetLastPInvokeError()}");
            }
        }

        if (mode is { } m)
        {
            File.SetUnixFileMode(path, m);
        }
    }

    /// <summary>A group name or number. Names are looked up in /etc/group (system groups, which is where
    /// Debian's postfix and mailfilter groups live).</summary>
    public static int ResolveGroup(string group)
    {
        if (int.TryParse(group, NumberStyles.None, CultureInfo.InvariantCulture, out int gid))
        {
            return gid;
        }

        foreach (var line in File.ReadLines("/etc/group"))
        {
            var fields = line.Split(':');
            if (fields.Length >= 3 && fields[0] == group && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out gid))
            {
                return gid;
            }
        }

        throw new ArgumentException($"group \"{group}\" does not exist (looked in /etc/group)", nameof(group));
    }

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chown(string path, int owner, int group);
}
