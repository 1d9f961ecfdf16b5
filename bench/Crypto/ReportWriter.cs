namespace MailFilter.Crypto.Bench;

/// <summary>Replaces this benchmark's section of docs/benchmarks.md (between its markers), leaving the rest alone.</summary>
internal static class ReportWriter
{
    private const string Begin = "<!-- bench:crypto -->";
    private const string End = "<!-- /bench:crypto -->";

    public static void Write(string path, string section)
    {
        var block = Begin + "\n" + section.TrimEnd() + "\n" + End;
        var text = File.Exists(path) ? File.ReadAllText(path) : "# Benchmarks\n\nEach section is written by its benchmark; rerun it to refresh the numbers.\n";
        int start = text.IndexOf(Begin, StringComparison.Ordinal);
        int end = text.IndexOf(End, StringComparison.Ordinal);
        text = start >= 0 && end > start
            ? text[..start] + block + text[(end + End.Length)..]
            : text.TrimEnd() + "\n\n" + block + "\n";
        File.WriteAllText(path, text);
    }
}
