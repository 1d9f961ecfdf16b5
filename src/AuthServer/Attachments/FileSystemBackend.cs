using System.Security.Cryptography;
using MailFilter.Hosting;

namespace MailFilter.AuthServer.Attachments;

/// <summary>
/// The embedded default store: <c>objects/&lt;first two hex digits&gt;/&lt;name&gt;</c> under the configured directory
/// (directories mode 0700, files 0600, made on the first write). An object is written to <c>tmp/</c>, fsynced, renamed into place and its directory fsynced, so a
/// crash leaves the whole object or none (a stale file in tmp/ is removed at start).
/// </summary>
public sealed class FileSystemBackend : IAttachmentBackend
{
    private const int Enospc = 28;
    private const int Edquot = 122;
    private const int WriteBuffer = 1024 * 1024;

    private readonly string _objects;
    private readonly string _tmp;

    public FileSystemBackend(string root)
    {
        Root = root;
        _objects = Path.Combine(root, "objects");
        _tmp = Path.Combine(root, "tmp");
        // The directories are made on the first write: an authd that never stores an attachment leaves no trace.
        try
        {
            if (Directory.Exists(_tmp))
            {
                foreach (var stale in Directory.EnumerateFiles(_tmp))
                {
                    File.Delete(stale);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreUnavailableException($"attachment store {root}: {e.Message}", e);
        }
    }

    public string Kind => "filesystem";

    public string Root { get; }

    public async Task WriteAsync(string name, long length, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var final = PathOf(name);
        var temp = Path.Combine(_tmp, name + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        try
        {
            const UnixFileMode owner = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            Directory.CreateDirectory(Root, owner);
            Directory.CreateDirectory(_tmp, owner);
            await using (var file = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = 0,
                PreallocationSize = length,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            await using (var buffered = new BufferedStream(file, WriteBuffer))
            {
                await write(buffered, cancellationToken);
                await buffered.FlushAsync(cancellationToken);
                if (file.Length != length)
                {
                    throw new StoreUnavailableException($"attachment store: wrote {file.Length} bytes of {name}, expected {length}");
                }

                file.Flush(flushToDisk: true);
            }

            var directory = Path.GetDirectoryName(final)!;
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.Move(temp, final, overwrite: true);
            DurableFiles.SyncDirectory(directory);
        }
        catch (IOException e) when (e.HResult is Enospc or Edquot || e.Message.Contains("No space left", StringComparison.Ordinal))
        {
            TryDelete(temp);
            throw new StoreFullException($"attachment store {Root}: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new StoreUnavailableException($"attachment store {Root}: {e.Message}", e);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public Task<Stream> OpenReadAsync(string name, long offset, long length, CancellationToken cancellationToken)
    {
        try
        {
            var file = new FileStream(PathOf(name), new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                BufferSize = 0,
                Options = FileOptions.SequentialScan,
            });
            if (file.Length < offset + length)
            {
                file.Dispose();
                throw new StoreUnavailableException($"attachment store {Root}: object {name} is shorter than recorded");
            }

            file.Position = offset;
            return Task.FromResult<Stream>(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreUnavailableException($"attachment store {Root}: object {name}: {e.Message}", e);
        }
    }

    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken) => Task.FromResult(File.Exists(PathOf(name)));

    public Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            File.Delete(PathOf(name));
            return Task.CompletedTask;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreUnavailableException($"attachment store {Root}: cannot delete {name}: {e.Message}", e);
        }
    }

    public void Dispose()
    {
    }

    /// <summary>Names are 64 lowercase hex digits (a keyed hash): never a path of their own.</summary>
    private string PathOf(string name)
    {
        if (name.Length != 64 || !name.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException("an object name is 64 lowercase hex digits", nameof(name));
        }

        return Path.Combine(_objects, name[..2], name);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The start-up sweep of tmp/ removes it.
        }
    }
}
