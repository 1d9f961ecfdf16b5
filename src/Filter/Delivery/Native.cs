using System.Runtime.InteropServices;

namespace MailFilter.Filter.Delivery;

/// <summary>The libc call the delivery agent needs that .NET does not offer: chown (fsync of a directory is
/// <see cref="Hosting.DurableFiles.SyncDirectory"/>).</summary>
internal static partial class Native
{
    public static void Chown(string path, int uid, int gid)
    {
        if (chown(path, uid, gid) != 0)
        {
            throw new IOException($"cannot change the owner of {path}: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chown(string path, int owner, int group);
}
