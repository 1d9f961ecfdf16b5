namespace MailFilter.Filter.Milter.Stages;

/// <summary>Where the stages put what they write (a carrier body, a Bcc copy): memory up to
/// <see cref="MemoryThreshold"/>, else an unlinked file in <see cref="Directory"/> readable by the owner only,
/// like the milter's own body spool ([milter] spool_memory_threshold, spool_directory).</summary>
public sealed record SpoolOptions(long MemoryThreshold, string Directory)
{
    /// <summary>A read-write stream for about <paramref name="expectedLength"/> bytes of plaintext input
    /// (the carrier is about 1.37 times that: base64).</summary>
    public Stream Create(long expectedLength)
    {
        long carrier = (expectedLength * 4 / 3) + 4096;
        if (carrier < MemoryThreshold)
        {
            // Sized for the base64 carrier at once: no doubling copies while it is written.
            return new MemoryStream((int)carrier);
        }

        System.IO.Directory.CreateDirectory(Directory);
        string path = Path.Combine(Directory, "mailfilter-out-" + Guid.NewGuid().ToString("N"));
        var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            BufferSize = 64 * 1024, // under the large object heap's 85,000 bytes (see SpoolFile)
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });

        // Unlinked at once: ciphertext or not, the copy never outlives the process.
        File.Delete(path);
        return stream;
    }
}
