using System.ComponentModel;
using MailFilter.Lab;

namespace MailFilter.Bench.Milter;

/// <summary>
/// The file system the benchmarks that drive Postfix keep their mail on: a fresh ext4 with a journal (mkfs.ext4's
/// defaults) in a sparse image file under /var/tmp, loop-mounted for the run and made the temp directory (TMPDIR) of
/// this process and of everything it starts, so Postfix's queue, the Maildirs, PostgreSQL's cluster and the daemons'
/// spools are all on it. Needs root.
/// <para>Why not the machine's own temp directory: on an ext4 without a journal (this VM's root file system) the
/// inode allocator passes over every inode deleted in the last 30 seconds, reading each one's inode table block
/// (the kernel's <c>recently_deleted</c>, checked only when there is no journal). A mail server creates and deletes
/// a queue file per message and the benchmark empties its Maildirs between passes, so after the first few thousand
/// messages every file creation scans thousands of inodes: a system-wide profile showed 40 % of the machine's time
/// there and Postfix alone fell from 780 to 420 messages/s within one sequence of runs (docs/benchmarks.md). A
/// mail server's spool is on a journaled file system; this measures one.</para>
/// </summary>
public sealed class MailDisk : IAsyncDisposable
{
    private const string Prefix = "mailfilter-bench-disk-";

    private readonly string _image;
    private readonly string? _previousTemp;

    private MailDisk(string image, string mountPoint, string? previousTemp)
    {
        _image = image;
        MountPoint = mountPoint;
        _previousTemp = previousTemp;
    }

    /// <summary>Where the file system is mounted (also TMPDIR while it is).</summary>
    public string MountPoint { get; }

    /// <summary>For the tables: what the mail was stored on.</summary>
    public static string Description =>
        "Mail queue, Maildirs and spools on a fresh journaled ext4 (a loop-mounted image the benchmark makes; bench/Milter/MailDisk.cs says why).";

    /// <summary>Makes, mounts and switches TMPDIR to the file system; throws with what to do when it cannot.</summary>
    public static async Task<MailDisk> MountAsync(long sizeBytes = 8L << 30)
    {
        await RemoveLeftoversAsync();
        string name = $"{Prefix}{Environment.ProcessId}";
        string image = Path.Combine("/var/tmp", name + ".img");
        string mountPoint = Path.Combine("/var/tmp", name);
        using (var file = new FileStream(image, FileMode.Create, FileAccess.Write))
        {
            file.SetLength(sizeBytes); // sparse: blocks are used only as the run writes them
        }

        try
        {
            // Inode tables and journal written now, not by the kernel's lazy-init thread during the measurement.
            await RunAsync("mkfs.ext4", "-q", "-F", "-O", "has_journal", "-E", "lazy_itable_init=0,lazy_journal_init=0", image);
            Directory.CreateDirectory(mountPoint);
            await RunAsync("mount", "-o", "loop", image, mountPoint);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            File.Delete(image);
            DeleteDirectory(mountPoint);
            throw new InvalidOperationException(
                $"{e.Message}. The Postfix benchmarks keep their mail on a loop-mounted ext4 image: run them as root on a machine with loop devices (modprobe loop) and e2fsprogs installed.", e);
        }

        File.SetUnixFileMode(mountPoint, (UnixFileMode)Convert.ToInt32("1777", 8));
        string? previous = Environment.GetEnvironmentVariable("TMPDIR");
        Environment.SetEnvironmentVariable("TMPDIR", mountPoint);
        return new MailDisk(image, mountPoint, previous);
    }

    /// <summary>The mounts and images of runs that were killed before they could remove them (their process is gone).</summary>
    private static async Task RemoveLeftoversAsync()
    {
        foreach (var image in Directory.EnumerateFiles("/var/tmp", Prefix + "*.img"))
        {
            string mountPoint = image[..^".img".Length];
            if (!int.TryParse(Path.GetFileName(mountPoint)[Prefix.Length..], out int pid) || Directory.Exists($"/proc/{pid}"))
            {
                continue;
            }

            Console.Error.WriteLine($"removing {image}, left by an earlier run (process {pid}) that did not end normally");
            if (File.ReadLines("/proc/mounts").Any(l => l.Split(' ')[1] == mountPoint))
            {
                await RunAsync("umount", "-l", mountPoint);
            }

            File.Delete(image);
            DeleteDirectory(mountPoint);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Environment.SetEnvironmentVariable("TMPDIR", _previousTemp);
        try
        {
            await RunAsync("umount", MountPoint);
        }
        catch (InvalidOperationException e)
        {
            // Something the run started still holds a file open there: detach now, the kernel finishes when it closes.
            Console.Error.WriteLine($"warning: {e.Message}; detaching it lazily");
            await RunAsync("umount", "-l", MountPoint);
        }

        File.Delete(_image);
        DeleteDirectory(MountPoint);
    }

    private static void DeleteDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path);
        }
    }

    private static async Task RunAsync(string file, params string[] args) =>
        (await ProcessRunner.RunAsync(file, args)).EnsureSuccess($"{file} {string.Join(' ', args)}");
}
