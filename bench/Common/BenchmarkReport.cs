namespace MailFilter.Bench;

/// <summary>
/// Rewrites one block of docs/benchmarks.md. Each benchmark owns a section between
/// <c>&lt;!-- bench:NAME --&gt;</c> markers, and each run rewrites one block of it between
/// <c>&lt;!-- NAME:BLOCK --&gt;</c> markers; everything else in the file is left as it is.
/// </summary>
public static class BenchmarkReport
{
    public static string DefaultPath => Path.Combine(RepoRoot(), "docs", "benchmarks.md");

    public static void Write(string path, string section, string title, string block, string content)
    {
        string begin = $"<!-- bench:{section} -->";
        string end = $"<!-- /bench:{section} -->";
        var text = File.Exists(path) ? File.ReadAllText(path) : "# Benchmarks\n\nEach section is written by its benchmark (`bench/run.sh`); rerun it to refresh the numbers.\n";
        var body = Extract(text, begin, end) ?? $"## {title}";
        body = Replace(body, $"<!-- {section}:{block} -->", $"<!-- /{section}:{block} -->", content);
        text = Replace(text, begin, end, body);
        File.WriteAllText(path, text);
    }

    private static string? Extract(string text, string begin, string end)
    {
        var start = text.IndexOf(begin, StringComparison.Ordinal);
        var stop = text.IndexOf(end, StringComparison.Ordinal);
        return start >= 0 && stop > start ? text[(start + begin.Length)..stop].Trim('\n') : null;
    }

    private static string Replace(string text, string begin, string end, string content)
    {
        var block = begin + "\n" + content.TrimEnd() + "\n" + end;
        var start = text.IndexOf(begin, StringComparison.Ordinal);
        var stop = text.IndexOf(end, StringComparison.Ordinal);
        return start >= 0 && stop > start
            ? text[..start] + block + text[(stop + end.Length)..]
            : text.TrimEnd() + "\n\n" + block + "\n";
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MailFilter.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}
