namespace MailFilter.Mime.Bench;

/// <summary>Finds the repository and the shared corpus, whose messages seed the fuzzer.</summary>
internal static class Seeds
{
    public static string RepoRoot()
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

    /// <summary>Every message file listed in the corpus manifest.</summary>
    public static List<byte[]> Corpus()
    {
        var corpus = Path.GetFullPath(Path.Combine(RepoRoot(), "..", "shared", "corpus"));
        return File.ReadLines(Path.Combine(corpus, "manifest.tsv")).Skip(1)
            .Where(l => l.Length > 0)
            .Select(l => File.ReadAllBytes(Path.Combine(corpus, l.Split('\t')[0])))
            .ToList();
    }
}
