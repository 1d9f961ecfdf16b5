namespace MailFilter.Messages;

/// <summary>Temporary files for envelopes and decrypted messages: owner-only (0600), deleted when closed, buffered
/// (the envelope code reads and writes one 64 KiB chunk at a time). The buffer stays under the large object heap's
/// 85,000 bytes: one such buffer per delivery made the runtime collect generation 2 every few messages.</summary>
internal static class SpoolFile
{
    public static FileStream Create(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "mailfilter-inbound-" + Guid.NewGuid().ToString("N"));
        return new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            BufferSize = 64 * 1024,
            Options = FileOptions.DeleteOnClose | FileOptions.Asynchronous,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
    }
}
