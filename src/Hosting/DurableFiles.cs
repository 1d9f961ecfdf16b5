using System.Runtime.InteropServices;

namespace MailFilter.Hosting;

/// <summary>fsync(2) of a directory, which .NET does not offer: makes the entries created or renamed in it durable
/// (a Maildir delivery before its 250, an attachment object before its 201).</summary>
public static partial class DurableFiles
{
    private const int ReadOnly = 0;           // O_RDONLY
    private const int Directory = 0x10000;    // O_DIRECTORY (Linux)
    private const int CloseOnExec = 0x80000;  // O_CLOEXEC

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

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int close(int fd);
}
