namespace MailFilter.Mime.Bench;

/// <summary>
/// Replaces one block of this benchmark's section of docs/benchmarks.md. The section (between the bench:mime
/// markers) holds two blocks, throughput and fuzz, each rewritten by its own run; other sections are left alone.
/// </summary>
internal static class ReportWriter
{
    private const string Begin = "<!-- bench:mime -->";
    private const string End = "<!-- /bench:mime -->";

    public static void Write(string path, string block, string content)
    {
        var text = File.Exists(path) ? File.ReadAllText(path) : "# Benchmarks\n\nEach section is written by its benchmark; rerun it to refresh the numbers.\n";
        var section = Extract(text, Begin, End) ?? "## MIME engine\n\n<!-- mime:throughput -->\n(not run yet)\n<!-- /mime:throughput -->\n\n<!-- mime:fuzz -->\n(not run yet)\n<!-- /mime:fuzz -->";
        section = Replace(section, $"<!-- mime:{block} -->", $"<!-- /mime:{block} -->", content);
        text = Replace(text, Begin, End, section);
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
}
