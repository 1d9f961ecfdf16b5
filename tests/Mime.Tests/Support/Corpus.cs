namespace MailFilter.Mime.Tests;

/// <summary>The shared corpus (../shared/corpus from the repository root) and its manifest.</summary>
internal static class Corpus
{
    private static readonly Lazy<string> s_repoRoot = new(FindRepoRoot);
    private static readonly Lazy<IReadOnlyList<CorpusFile>> s_files = new(ReadManifest);

    public static string RepoRoot => s_repoRoot.Value;

    public static string Directory => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "corpus"));

    public static IReadOnlyList<CorpusFile> Files => s_files.Value;

    public static string TestData => Path.Combine(RepoRoot, "tests", "Mime.Tests", "TestData");

    public static CorpusFile Get(string relativePath) =>
        Files.FirstOrDefault(f => f.Path == relativePath) ?? throw new ArgumentException($"Not in the manifest: {relativePath}");

    /// <summary>Every message of the corpus (mbox files split), as raw bytes.</summary>
    public static IEnumerable<CorpusMessage> Messages()
    {
        foreach (var file in Files)
        {
            var bytes = file.ReadAllBytes();
            if (!file.IsMbox)
            {
                yield return new CorpusMessage(file, 0, bytes);
                continue;
            }

            using var mbox = MboxFile.Load(bytes);
            var index = 0;
            foreach (var m in mbox.Messages)
            {
                yield return new CorpusMessage(file, index++, m.ToArray());
            }
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MailFilter.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("MailFilter.sln not found above " + AppContext.BaseDirectory);
    }

    private static IReadOnlyList<CorpusFile> ReadManifest()
    {
        var manifest = Path.Combine(Directory, "manifest.tsv");
        var files = new List<CorpusFile>();
        foreach (var line in File.ReadLines(manifest).Skip(1))
        {
            if (line.Length == 0)
            {
                continue;
            }

            var cols = line.Split('\t');
            var kinds = cols[4].Split(',', StringSplitOptions.RemoveEmptyEntries);
            files.Add(new CorpusFile(cols[0], long.Parse(cols[1], System.Globalization.CultureInfo.InvariantCulture), cols[2], kinds,
                int.Parse(cols[8], System.Globalization.CultureInfo.InvariantCulture)));
        }

        return files;
    }
}
