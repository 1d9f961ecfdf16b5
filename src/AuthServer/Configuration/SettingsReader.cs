using System.Globalization;
using MailFilter.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace MailFilter.AuthServer.Configuration;

/// <summary>Typed reads of the INI keys with mailfilterd's error wording ("[section] key = value: reason").</summary>
internal sealed class SettingsReader(IConfiguration config)
{
    private readonly IConfiguration _config = config;

    public List<string> Errors { get; } = [];

    public string? Get(string section, string key) => _config[$"{section}:{key}"];

    public void Error(string section, string key, string value, string reason) => Errors.Add($"[{section}] {key} = {value}: {reason}");

    public T ErrorDefault<T>(string section, string key, string value, string reason, T fallback)
    {
        Error(section, key, value, reason);
        return fallback;
    }

    /// <summary>A comma- or space-separated list; <paramref name="fallback"/> when the key is absent.</summary>
    public IEnumerable<string> List(string section, string key, string fallback = "") =>
        (Get(section, key) ?? fallback).Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>User or group ids. A name in the built-in default that does not exist here is skipped; a configured one is an error.</summary>
    public HashSet<int> Ids(string section, string key, string fallback, TryResolve resolve)
    {
        bool configured = Get(section, key) is not null;
        var ids = new HashSet<int>();
        foreach (var name in List(section, key, fallback))
        {
            if (resolve(name, out int id))
            {
                ids.Add(id);
            }
            else if (configured)
            {
                Error(section, key, name, "no such user or group (names are read from /etc/passwd and /etc/group)");
            }
        }

        return ids;
    }

    public bool Bool(string section, string key, bool fallback)
    {
        if (Get(section, key) is not { } text)
        {
            return fallback;
        }

        if (ConfigValue.TryParseBool(text, out bool value))
        {
            return value;
        }

        Error(section, key, text, "use yes or no");
        return fallback;
    }

    public int Int(string section, string key, int fallback, int min, int max)
    {
        if (Get(section, key) is not { } text)
        {
            return fallback;
        }

        if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max)
        {
            return value;
        }

        Error(section, key, text, $"not a number from {min} to {max}");
        return fallback;
    }

    public TimeSpan Duration(string section, string key, TimeSpan fallback, bool allowZero = false)
    {
        if (Get(section, key) is not { } text)
        {
            return fallback;
        }

        if (ConfigValue.TryParseDuration(text, out var d) && (d > TimeSpan.Zero || (allowZero && d == TimeSpan.Zero)))
        {
            return d;
        }

        Error(section, key, text, "not a duration (e.g. 500ms, 10s, 5m, 1h)");
        return fallback;
    }

    public LogLevel LogLevel(LogLevel fallback)
    {
        var level = fallback;
        if (Get("log", "level") is { } text && !Enum.TryParse(text, ignoreCase: true, out level))
        {
            Error("log", "level", text, "use trace, debug, information, warning, error or critical");
            return fallback;
        }

        return level;
    }

    /// <summary>Every key of [authd], [database], [discovery], [registry], [conflicts], [attachments] and [log] must be known (in [discovery] a key with a dot is a peer domain); sections of mailfilterd are skipped; any other section is an error.</summary>
    public void CheckUnknown(IReadOnlyList<string> authdKeys, IReadOnlyList<string> databaseKeys, IReadOnlyList<string> discoveryKeys, IReadOnlyList<string> registryKeys,
        IReadOnlyList<string> conflictKeys, IReadOnlyList<string> attachmentKeys)
    {
        // [metrics] listen is mailfilterd's.
        var known = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "log:level", "metrics:authd_listen", "metrics:listen" };
        known.UnionWith(authdKeys.Select(k => "authd:" + k));
        known.UnionWith(databaseKeys.Select(k => "database:" + k));
        known.UnionWith(discoveryKeys.Select(k => "discovery:" + k));
        known.UnionWith(registryKeys.Select(k => "registry:" + k));
        known.UnionWith(conflictKeys.Select(k => "conflicts:" + k));
        known.UnionWith(attachmentKeys.Select(k => "attachments:" + k));
        foreach (var entry in _config.AsEnumerable().Where(kv => kv.Value is not null))
        {
            var parts = entry.Key.Split(':', 2);
            if (parts.Length == 2 && ConfigSections.IsOtherPrograms(parts[0], ConfigSections.Authd))
            {
                continue;
            }

            if (!known.Contains(entry.Key) && !(parts.Length == 2 && parts[0].Equals("discovery", StringComparison.OrdinalIgnoreCase) && parts[1].Contains('.', StringComparison.Ordinal)))
            {
                Errors.Add(parts.Length == 2 ? $"[{parts[0]}] {parts[1]}: unknown setting" : $"{entry.Key}: setting outside a [section]");
            }
        }
    }

    public delegate bool TryResolve(string nameOrId, out int id);
}
