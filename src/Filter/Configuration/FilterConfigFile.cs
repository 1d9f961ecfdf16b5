using MailFilter.Hosting;

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
        var configuration = ConfigFile.Read(path, milterOverrides.Count > 0 ? [new("milter:listen", string.Join(",", milterOverrides))] : null, out errors);
        if (configuration is null)
        {
            return null;
        }

        var settings = FilterSettings.Load(configuration, out errors);
        return errors.Count > 0 ? null : new FilterConfigFile(settings, ConfigFile.Values(configuration));
    }

    /// <summary>The settings that differ from <paramref name="running"/> but take effect only at the next start,
    /// as <c>[section] key</c>.</summary>
    public IReadOnlyList<string> RestartOnlyChanges(FilterConfigFile running)
    {
        ArgumentNullException.ThrowIfNull(running);
        return ConfigFile.RestartOnlyChanges(running.Values, Values, key =>
            s_restartOnlyPrefixes.Any(p => key.StartsWith(p, StringComparison.OrdinalIgnoreCase))
            // The delivery agent reads [policy] local_domains once, at start.
            || (Settings.Delivery.Enabled && key.Equals("policy:local_domains", StringComparison.OrdinalIgnoreCase)));
    }
}
