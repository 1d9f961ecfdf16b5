using Microsoft.Extensions.Configuration;

namespace MailFilter.Hosting;

/// <summary>
/// mailfilter.conf as both daemons read it, at start and on SIGHUP: the INI file (none: built-in defaults) plus any
/// command-line overrides, with syntax errors reported like bad values (a sentence, no exception), so a reload of a
/// broken file is refused with a message. The raw "section:key" values let a reload name what changed.
/// </summary>
public static class ConfigFile
{
    /// <summary>Reads <paramref name="path"/> (null: nothing) and <paramref name="overrides"/>; null with the problem in <paramref name="errors"/>.</summary>
    public static IConfiguration? Read(string? path, IEnumerable<KeyValuePair<string, string?>>? overrides, out List<string> errors)
    {
        errors = [];
        var builder = new ConfigurationBuilder();
        if (path is not null)
        {
            if (!File.Exists(path))
            {
                errors.Add($"config file {path} does not exist");
                return null;
            }

            builder.AddIniFile(Path.GetFullPath(path), optional: false, reloadOnChange: false);
        }

        if (overrides is not null)
        {
            builder.AddInMemoryCollection(overrides);
        }

        try
        {
            return builder.Build();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException)
        {
            // The INI provider's message names the line ("Unrecognized line format: 'x'"); the file provider wraps it.
            errors.Add($"not an INI file: {(e.InnerException ?? e).Message} (use [section] and key = value lines)");
            return null;
        }
        catch (IOException e)
        {
            errors.Add($"cannot read: {e.Message}");
            return null;
        }
    }

    /// <summary>Every "section:key" that has a value, with its text.</summary>
    public static IReadOnlyDictionary<string, string> Values(IConfiguration configuration) =>
        configuration.AsEnumerable().Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!, StringComparer.OrdinalIgnoreCase);

    /// <summary>The keys whose text differs between two readings and that <paramref name="restartOnly"/> says only a
    /// restart applies, as "[section] key", in order.</summary>
    public static IReadOnlyList<string> RestartOnlyChanges(IReadOnlyDictionary<string, string> running, IReadOnlyDictionary<string, string> next, Func<string, bool> restartOnly)
    {
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(restartOnly);
        var changed = new List<string>();
        foreach (var key in running.Keys.Union(next.Keys, StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase))
        {
            running.TryGetValue(key, out var before);
            next.TryGetValue(key, out var now);
            if (!string.Equals(before, now, StringComparison.Ordinal) && restartOnly(key))
            {
                var parts = key.Split(':', 2);
                changed.Add(parts.Length == 2 ? $"[{parts[0]}] {parts[1]}" : key);
            }
        }

        return changed;
    }
}
