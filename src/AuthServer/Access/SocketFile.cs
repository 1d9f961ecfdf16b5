using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace MailFilter.AuthServer.Access;

/// <summary>The API socket's file: a stale one from a crash is removed, a live one (another authd) is refused; after bind, its mode and group are set.</summary>
internal static partial class SocketFile
{
    public static void Prepare(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        if (!File.Exists(path))
        {
            return;
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException)
        {
            File.Delete(path);
            return;
        }

        throw new IOException($"{path}: another process listens on this socket (is mailfilter-authd already running?)");
    }

    public static void Apply(string path, UnixFileMode mode, int? gid)
    {
        if (gid is { } g && chown(path, -1, g) != 0)
        {
            throw new IOException($"cannot set group {g} on {path}: errno {Marshal.GetLastPInvokeError()}");
        }

        File.SetUnixFileMode(path, mode);
    }

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chown(string path, int owner, int group);
}
