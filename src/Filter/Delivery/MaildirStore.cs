using System.Globalization;
using System.Text;
using MailFilter.Filter.Delivery.Lmtp;

namespace MailFilter.Filter.Delivery;

/// <summary>
/// Stores into Maildirs at <c>ROOT/DOMAIN/LOCALPART/</c> (cr.yp.to/proto/maildir.html): write the file in tmp/,
/// fsync it, rename it into new/, fsync new/ — so a 250 is only given for a message that survives a crash, and a
/// reader never sees half a file. Directories are created on first delivery (0700) and owned by the configured user.
/// </summary>
public sealed class MaildirStore : IMailStore
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private static readonly UnixFileMode s_domainMode = DirectoryMode | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    private readonly string _root;
    private readonly (int Uid, int Gid)? _owner;
    private readonly string _hostname;
    private long _counter;

    /// <param name="root">The base directory (<c>[delivery] maildir</c>).</param>
    /// <param name="owner">Who owns created directories and files; null for the process's own user.</param>
    /// <param name="hostname">For unique file names (Maildir: time, process, counter, host).</param>
    public MaildirStore(string root, (int Uid, int Gid)? owner, string hostname)
    {
        _root = Path.GetFullPath(root ?? throw new ArgumentNullException(nameof(root)));
        _owner = owner;
        // Maildir: "/" and ":" in the host name are written as \057 and \072.
        _hostname = (hostname ?? "localhost").Replace("/", "\\057", StringComparison.Ordinal).Replace(":", "\\072", StringComparison.Ordinal);
    }

    public string Name => "maildir";

    /// <summary>The Maildir of <paramref name="recipient"/>, or null when the address cannot name a directory safely.</summary>
    public string? MaildirOf(string recipient)
    {
        int at = recipient.LastIndexOf('@');
        if (at <= 0 || at == recipient.Length - 1)
        {
            return null;
        }

        string local = recipient[..at];
        string domain = recipient[(at + 1)..].ToLowerInvariant();
        return IsSafeName(local) && IsSafeName(domain) ? Path.Combine(_root, domain, local) : null;
    }

    /// <summary>Runs on the thread pool: the two fsyncs block, and the caller may be an event loop thread that other
    /// connections share (src/Filter/EventLoop.cs).</summary>
    public Task<StoreOutcome> StoreAsync(string mailFrom, string recipient, string? folder, Action<Stream> writeMessage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writeMessage);
        return Task.Run(() => Store(mailFrom, recipient, folder, writeMessage), CancellationToken.None);
    }

    private StoreOutcome Store(string mailFrom, string recipient, string? folder, Action<Stream> writeMessage)
    {
        var maildir = MaildirOf(recipient);
        if (maildir is null)
        {
            return new StoreOutcome(new LmtpReply(550, "5.1.3", $"<{recipient}>: address cannot be a mailbox name"), "unsafe mailbox name");
        }

        string? tmp = null;
        try
        {
            EnsureMaildir(maildir);
            if (folder is not null)
            {
                // Maildir++: a folder is the directory .NAME inside the Maildir, with a maildirfolder marker.
                maildir = Path.Combine(maildir, "." + folder);
                EnsureMaildir(maildir);
                EnsureFolderMarker(maildir);
            }

            var now = DateTimeOffset.UtcNow;
            long n = Interlocked.Increment(ref _counter);
            string unique = string.Create(CultureInfo.InvariantCulture,
                $"{now.ToUnixTimeSeconds()}.M{now.Ticks / 10 % 1_000_000}P{Environment.ProcessId}Q{n}.{_hostname}");
            tmp = Path.Combine(maildir, "tmp", unique);
            long size;
            using (var file = new FileStream(tmp, new FileStreamOptions
            {
                Mode = System.IO.FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = 64 * 1024,
                UnixCreateMode = FileMode,
            }))
            {
                // RFC 5321 §4.4: the final delivery records the reverse-path; Delivered-To as Postfix's local(8) does.
                file.Write(Encoding.UTF8.GetBytes($"Return-Path: <{mailFrom}>\r\nDelivered-To: {recipient}\r\n"));
                writeMessage(file);
                file.Flush(flushToDisk: true);
                size = file.Length;
            }

            if (_owner is { } o)
            {
                Native.Chown(tmp, o.Uid, o.Gid);
            }

            // Maildir++ ",S=" lets readers (Dovecot) know the size without a stat.
            string final = Path.Combine(maildir, "new", unique + ",S=" + size.ToString(CultureInfo.InvariantCulture));
            File.Move(tmp, final, overwrite: false);
            tmp = null;
            Hosting.DurableFiles.SyncDirectory(Path.Combine(maildir, "new"));
            return new StoreOutcome(new LmtpReply(250, "2.0.0", $"<{recipient}> delivered"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (tmp is not null)
            {
                try
                {
                    File.Delete(tmp);
                }
                catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
                {
                    // The tmp file stays; Maildir readers ignore tmp/.
                }
            }

            return new StoreOutcome(new LmtpReply(451, "4.3.0", $"<{recipient}> mailbox store failed, try again later"), e.Message);
        }
    }

    private void EnsureMaildir(string maildir)
    {
        if (Directory.Exists(Path.Combine(maildir, "new")) && Directory.Exists(Path.Combine(maildir, "tmp")))
        {
            return;
        }

        CreateOwned(Path.GetDirectoryName(maildir)!, s_domainMode);
        CreateOwned(maildir, DirectoryMode);
        foreach (var sub in new[] { "tmp", "new", "cur" })
        {
            CreateOwned(Path.Combine(maildir, sub), DirectoryMode);
        }
    }

    private void EnsureFolderMarker(string folder)
    {
        var marker = Path.Combine(folder, "maildirfolder");
        if (!File.Exists(marker))
        {
            File.WriteAllBytes(marker, []);
            if (_owner is { } o)
            {
                Native.Chown(marker, o.Uid, o.Gid);
            }
        }
    }

    private void CreateOwned(string path, UnixFileMode mode)
    {
        if (Directory.Exists(path))
        {
            return;
        }

        Directory.CreateDirectory(path, mode);
        if (_owner is { } o)
        {
            Native.Chown(path, o.Uid, o.Gid);
        }
    }

    /// <summary>A path segment that stays one segment: no "/", NUL or controls, not "." or "..", no leading dot
    /// (Maildir++ folders start with one), at most 255 bytes.</summary>
    private static bool IsSafeName(string name) =>
        name.Length > 0 && name[0] != '.' && Encoding.UTF8.GetByteCount(name) <= 255
        && !name.Any(c => c == '/' || char.IsControl(c));
}
