namespace MailFilter.Lab;

/// <summary>
/// Small files a unit test needs on disk (configuration files, secrets, passwd lines): all in one directory per
/// test process, removed when the process exits. <c>Path.GetTempFileName()</c> without a matching delete left
/// thousands of files in /tmp over the runs.
/// </summary>
public static class TempFiles
{
    private static readonly Lazy<string> s_directory = new(() =>
    {
        string directory = Directory.CreateTempSubdirectory("mailfilter-tests-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Best effort at exit.
            }
        };
        return directory;
    });

    /// <summary>A new file with <paramref name="text"/>, readable and writable by its owner only (as secrets must be).</summary>
    public static string Write(string text = "")
    {
        string path = Path.Combine(s_directory.Value, Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }
}
