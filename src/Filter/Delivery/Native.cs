using System.Runtime.InteropServices;

namespace MailFilter.Filter.Delivery;

/// <summary>The few libc calls the delivery agent needs that .NET does not offer: chown, and fsync of a directory
/// (so a rename into Maildir new/ is on disk before the 250 goes out).</summary>
internal static partial class Native
{
    private const int ReadOnly = 0;           // O_RDONLY
    private const int Directory = 0x10000;    // O_DIRECTORY (Linux)
    private const int CloseOnExec = 0x80000;  // O_CLOEXEC

    public static void Chown(string path, int uid, int gid)
    {
        if (chown(path, uid, gid) != 0)
        {
            throw new IOException($"cannot change the owner of {path}: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>fsync(2) on a directory: makes the entries created or renamed in it durable.</summary>
    public static void SyncDirectory(string path)
    {
        int fd = open(path, ReadOnly | Directory | CloseOnExec);
        if (fd < 0)
        {
            throw new IOException($"cannot open {path}: errno {Marshal.GetLastPInvokeError()}");
        }

        try
        {
            if (fsync(fd) != 0)
            {
                throw new IOException($"cannot fsync {path}: errno {Marshal.GetLastPInvokeError()}");
            }
        }
        finally
        {
            _ = close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chown(string path, int owner, int group);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int close(int fd);
}
