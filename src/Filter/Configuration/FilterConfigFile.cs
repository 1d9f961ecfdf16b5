using Microsoft.Extensions.Configuration;

namespace MailFilter.Filter.Configuration;

/// <summary>
/// Reads mailfilter.conf the way mailfilterd does, at start and on SIGHUP: the INI file (if any) plus the
/// command line's <c>--milter</c> overrides. Syntax errors in the file are reported like bad values, so a
/// reload with a broken file is refused with a message instead of an exception.
/// </summary>
public sealed record FilterConfigFile(FilterSettings Settings, IReadOnlyDictionary<string, string> Values)
{
    // Settings that only a restart applies: the sockets, the listeners' limits, the delivery agent, the metrics
    // listener, the authd client and the log level are built once. [policy] and the rest of [filter] are reloaded.
    private static readonly string[] s_restartOnlyPrefixes = ["milter:", "delivery:", "metrics:", "filter:authd_socket", "log:"];

    /// <summary>Loads <paramref name="path"/> (null: built-in defaults); null when it has errors, which are in <paramref name="errors"/>.</summary>
    public static FilterConfigFile? Load(string? path, IReadOnlyList<string> milterOverrides, out List<string> errors)
    {
        var builder = new ConfigurationBuilder();
        if (path is not null)
        {
            if (!File.Exists(path))
            {
                errors = [$"config file {path} does not exist"];
                return null;
            }

            builder.AddIniFile(Path.GetFullPath(path), optional: false, reloadOnChange: false);
        }

        if (milterOverrides.Count > 0)
        {
            builder.AddInMemoryCollection([new("milter:listen", string.Join(",", milterOverrides))]);
        }

        IConfiguration configuration;
        try
        {
            configuration = builder.Build();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException)
        {
            // The INI provider's message names the line ("Unrecognized line format: 'x'"); the file provider wraps it.
            errors = [$"not an INI file: {(e.InnerException ?? e).Message} (use [section] and key = value lines)"];
            return null;
        }
        catch (IOException e)
        {
            errors = [$"cannot read: {e.Message}"];
            return null;
        }

        var settings = FilterSettings.Load(configuration, out errors);
        if (errors.Count > 0)
        {
            return null;
        }

        var values = configuration.AsEnumerable()
            .Where(kv => kv.Value is not null)
            .ToDictionary(kv => kv.Key, kv => kv.Value!, StringComparer.OrdinalIgnoreCase);
        return new FilterConfigFile(settings, values);
    }

    /// <summary>The settings that differ from <paramref name="running"/> but take effect only at the next start,
    /// as <c>[section] key</c>.</summary>
    public IReadOnlyList<string> RestartOnlyChanges(FilterConfigFile running)
    {
        ArgumentNullException.ThrowIfNull(running);
        var changed = new List<string>();
        foreach (var key in Values.Keys.Union(running.Values.Keys, StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase))
        {
            Values.TryGetValue(key, out var now);
            running.Values.TryGetValue(key, out var before);
            bool restartOnly = s_restartOnlyPrefixes.Any(p => key.StartsWith(p, StringComparison.OrdinalIgnoreCase))
                // The delivery agent reads [policy] local_domains once, at start.
                || (Settings.Delivery.Enabled && key.Equals("policy:local_domains", StringComparison.OrdinalIgnoreCase));
            if (restartOnly && !string.Equals(now, before, StringComparison.Ordinal))
            {
                var parts = key.Split(':', 2);
                changed.Add(parts.Length == 2 ? $"[{parts[0]}] {parts[1]}" : key);
            }
        }

        return changed;
    }
}
