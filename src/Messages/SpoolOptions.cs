namespace MailFilter.Messages;

/// <summary>
/// Where message processing puts what it writes (a carrier body or Bcc copy at submission; the decoded age file and the
/// decrypted message at delivery): memory up to <see cref="MemoryThreshold"/>, else a file in <see cref="Directory"/>,
/// owner-only and unlinked at once, so neither plaintext nor ciphertext outlives the process ([milter] and [delivery]
/// spool_memory_threshold, spool_directory). Most mail is far below the threshold and touches no file: creating and
/// deleting two files per delivery was a third of the agent's CPU on a busy machine (inode allocation).
/// </summary>
public sealed record SpoolOptions(long MemoryThreshold, string Directory)
{
    /// <summary>Spooling in the system's temporary directory, 1 MiB in memory.</summary>
    public static SpoolOptions Default { get; } = new(1024 * 1024, Path.GetTempPath());

    /// <summary>A read-write stream, position 0, for about <paramref name="expectedLength"/> bytes (a stream in memory is
    /// sized for that at once and grows if the estimate was short).</summary>
    public Stream Create(long expectedLength)
    {
        // A MemoryStream holds at most Array.MaxLength bytes, whatever threshold is configured.
        if (expectedLength < Math.Min(MemoryThreshold, Array.MaxLength))
        {
            return new MemoryStream((int)Math.Max(expectedLength, 0));
        }

        System.IO.Directory.CreateDirectory(Directory);
        string path = Path.Combine(Directory, "mailfilter-spool-" + Guid.NewGuid().ToString("N"));
        var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            // The envelope code reads and writes one 64 KiB chunk at a time. The buffer stays under the large object
            // heap's 85,000 bytes: one such buffer per delivery made the runtime collect generation 2 every few messages.
            BufferSize = 64 * 1024,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        File.Delete(path);
        return stream;
    }
}
