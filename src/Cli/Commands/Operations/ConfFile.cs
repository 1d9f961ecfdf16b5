using System.Globalization;

namespace MailFilter.Cli.Commands.Operations;

/// <summary>
/// mailfilter.conf read line by line for the operations commands (config check, postfix-setup, doctor, stats):
/// the values they need and the line each key is on, so that a problem can be shown where it is. The daemons
/// validate the file themselves (<c>--check-config</c>); this reader only looks values up.
/// </summary>
internal sealed class ConfFile
{
    public const string DefaultPath = "/etc/mailfilter/mailfilter.conf";

    private readonly Dictionary<string, (string Value, int Line)> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _sections = new(StringComparer.OrdinalIgnoreCase);

    private ConfFile(string path) => Path = path;

    public string Path { get; }

    /// <summary>Reads <paramref name="path"/>; a missing file reads as empty (the daemons' built-in defaults).</summary>
    public static ConfFile Read(string path)
    {
        var file = new ConfFile(path);
        if (!File.Exists(path))
        {
            return file;
        }

        string section = string.Empty;
        int number = 0;
        foreach (var raw in File.ReadLines(path))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line[0] == '[' && line[^1] == ']')
            {
                section = line[1..^1].Trim();
                file._sections.TryAdd(section, number);
                continue;
            }

            int equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                // Like the INI provider: the last occurrence of a key wins.
                file._values[$"{section}:{line[..equals].Trim()}"] = (line[(equals + 1)..].Trim(), number);
            }
        }

        return file;
    }

    public string? Get(string section, string key) => _values.TryGetValue($"{section}:{key}", out var v) ? v.Value : null;

    public string Get(string section, string key, string fallback) => Get(section, key) is { Length: > 0 } v ? v : fallback;

    /// <summary>The line of <c>[section] key</c>, else of <c>[section]</c>, else null.</summary>
    public int? LineOf(string section, string? key)
    {
        if (key is not null && _values.TryGetValue($"{section}:{key}", out var v))
        {
            return v.Line;
        }

        return _sections.TryGetValue(section, out int line) ? line : null;
    }

    /// <summary>"PATH:LINE" or "PATH" for messages.</summary>
    public string Where(string section, string? key) =>
        LineOf(section, key) is int line ? $"{Path}:{line.ToString(CultureInfo.InvariantCulture)}" : Path;

    /// <summary>The endpoints of a <c>listen</c>-style value (comma or space separated); empty for none.</summary>
    public static IReadOnlyList<string> Endpoints(string? value) =>
        value is null || value.Equals("none", StringComparison.OrdinalIgnoreCase) ? [] : value.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries);
}
