using MailFilter.Hosting;
using MailFilter.Milter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace MailFilter.Filter.Configuration;

/// <summary>
/// mailfilterd's settings, from /etc/mailfilter/mailfilter.conf (INI) or built-in defaults. Every key is
/// documented in packaging's sample mailfilter.conf; <see cref="Load"/> reports each bad value with its
/// section and key so that <c>mailfilterctl config check</c> and the daemon say exactly what is wrong.
/// </summary>
public sealed record FilterSettings
{
    public MilterListenerOptions Listener { get; init; } = new();

    public MilterOptions Milter { get; init; } = new();

    /// <summary>The name this host uses in trace headers (default: the machine's host name).</summary>
    public string Hostname { get; init; } = Environment.MachineName;

    /// <summary>Whether the trace stage stamps X-MailFilter-Trace.</summary>
    public bool Trace { get; init; } = true;

    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    /// <summary>The outbound policy ([policy], [policy:DOMAIN], [policy:ADDRESS]).</summary>
    public PolicySettings Policy { get; init; } = new();

    /// <summary>mailfilter-authd's API socket ([filter] authd_socket; default: [authd] socket of the same file,
    /// else /run/mailfilter/authd.sock).</summary>
    public string AuthdSocket { get; init; } = "/run/mailfilter/authd.sock";

    /// <summary>Where Bcc copies are submitted back to Postfix ([filter] reinject): inet:host:port or unix:/path.</summary>
    public MilterEndpoint Reinject { get; init; } = MilterEndpoint.Parse("inet:127.0.0.1:25");

    /// <summary>How long the outbound stages keep public keys from mailfilter-authd ([filter] key_cache_ttl; 0: ask every time).</summary>
    public TimeSpan KeyCacheTtl { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Where Prometheus metrics are served ([metrics] listen; loopback only); null: not served.</summary>
    public System.Net.IPEndPoint? MetricsListen { get; init; }

    /// <summary>The delivery agent ([delivery]).</summary>
    public DeliverySettings Delivery { get; init; } = new();

    /// <summary>Reads the settings; unknown keys and bad values are collected in <paramref name="errors"/>.</summary>
    public static FilterSettings Load(IConfiguration config, out List<string> errors)
    {
        var errs = new List<string>();
        var defaults = new FilterSettings();
        var milterDefaults = defaults.Milter;

        string? Get(string section, string key) => config[$"{section}:{key}"];

        long Size(string section, string key, long fallback)
        {
            var v = Get(section, key);
            if (v is null)
            {
                return fallback;
            }

            if (ConfigValue.TryParseSize(v, out long n) && n > 0)
            {
                return n;
            }

            errs.Add($"[{section}] {key} = {v}: not a size (use bytes or a number with K, M or G)");
            return fallback;
        }

        TimeSpan Duration(string section, string key, TimeSpan fallback)
        {
            var v = Get(section, key);
            if (v is null)
            {
                return fallback;
            }

            if (ConfigValue.TryParseDuration(v, out var d) && d > TimeSpan.Zero)
            {
                return d;
            }

            errs.Add($"[{section}] {key} = {v}: not a duration (e.g. 500ms, 10s, 5m, 1h)");
            return fallback;
        }

        var endpoints = new List<MilterEndpoint>();
        foreach (var spec in (Get("milter", "listen") ?? "inet:127.0.0.1:8891").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            if (MilterEndpoint.TryParse(spec, out var endpoint, out var error))
            {
                endpoints.Add(endpoint!);
            }
            else
            {
                errs.Add($"[milter] listen: {error}");
            }
        }

        if (endpoints.Count == 0 && !errs.Any(e => e.StartsWith("[milter] listen", StringComparison.Ordinal)))
        {
            errs.Add("[milter] listen: at least one socket is needed (unix:/path or inet:127.0.0.1:8891)");
        }

        var mode = defaults.Listener.UnixSocketMode;
        if (Get("milter", "socket_mode") is { } modeText && !ConfigValue.TryParseMode(modeText, out mode))
        {
            errs.Add($"[milter] socket_mode = {modeText}: not an octal mode like 0660");
        }

        bool trace = true;
        if (Get("filter", "trace") is { } traceText && !ConfigValue.TryParseBool(traceText, out trace))
        {
            errs.Add($"[filter] trace = {traceText}: use yes or no");
        }

        var level = LogLevel.Information;
        if (Get("log", "level") is { } levelText && !Enum.TryParse(levelText, ignoreCase: true, out level))
        {
            errs.Add($"[log] level = {levelText}: use trace, debug, information, warning, error or critical");
        }

        int maxPacket = (int)Math.Min(Size("milter", "max_packet_size", milterDefaults.MaxPacketSize), int.MaxValue / 2);
        if (maxPacket < 65535)
        {
            errs.Add($"[milter] max_packet_size = {maxPacket}: must be at least 65535 (Postfix sends body chunks of that size)");
        }

        var reinject = defaults.Reinject;
        if (Get("filter", "reinject") is { } reinjectText)
        {
            if (MilterEndpoint.TryParse(reinjectText, out var parsed, out var reinjectError))
            {
                reinject = parsed!;
            }
            else
            {
                errs.Add($"[filter] reinject: {reinjectError}");
            }
        }

        var keyCacheTtl = defaults.KeyCacheTtl;
        if (Get("filter", "key_cache_ttl") is { } ttlText)
        {
            if (ttlText.Trim() == "0")
            {
                keyCacheTtl = TimeSpan.Zero;
            }
            else if (!ConfigValue.TryParseDuration(ttlText, out keyCacheTtl) || keyCacheTtl < TimeSpan.Zero)
            {
                errs.Add($"[filter] key_cache_ttl = {ttlText}: not a duration (e.g. 30s, 5m; 0 turns the cache off)");
                keyCacheTtl = defaults.KeyCacheTtl;
            }
        }

        System.Net.IPEndPoint? metrics = null;
        if (Get("metrics", "listen") is { } metricsText && !metricsText.Trim().Equals("none", StringComparison.OrdinalIgnoreCase)
            && !Hosting.Metrics.MetricsListener.TryParseEndpoint(metricsText, out metrics, out var metricsError))
        {
            errs.Add($"[metrics] listen = {metricsText}: {metricsError}");
        }

        var settings = new FilterSettings
        {
            MetricsListen = metrics,
            Listener = new MilterListenerOptions
            {
                Endpoints = endpoints,
                UnixSocketMode = mode,
                UnixSocketGroup = Get("milter", "socket_group") is { Length: > 0 } g ? g : null,
            },
            Milter = new MilterOptions
            {
                MaxPacketSize = maxPacket,
                MaxHeaderCount = (int)Math.Min(Size("milter", "max_header_count", milterDefaults.MaxHeaderCount), int.MaxValue),
                MaxHeaderBytes = Size("milter", "max_header_bytes", milterDefaults.MaxHeaderBytes),
                MaxMessageSize = Size("milter", "max_message_size", milterDefaults.MaxMessageSize),
                SpoolMemoryThreshold = Size("milter", "spool_memory_threshold", milterDefaults.SpoolMemoryThreshold),
                SpoolDirectory = Get("milter", "spool_directory") ?? milterDefaults.SpoolDirectory,
                ProgressInterval = Duration("milter", "progress_interval", milterDefaults.ProgressInterval),
                ReadTimeout = Duration("milter", "read_timeout", milterDefaults.ReadTimeout),
                ShutdownTimeout = Duration("milter", "shutdown_timeout", milterDefaults.ShutdownTimeout),
                MaxConnections = (int)Math.Min(Size("milter", "max_connections", milterDefaults.MaxConnections), int.MaxValue),
            },
            Hostname = Get("filter", "hostname") is { Length: > 0 } h ? h : defaults.Hostname,
            Trace = trace,
            AuthdSocket = Get("filter", "authd_socket") is { Length: > 0 } socket ? socket
                : Get("authd", "socket") is { Length: > 0 } shared ? shared : defaults.AuthdSocket,
            Reinject = reinject,
            KeyCacheTtl = keyCacheTtl,
            LogLevel = level,
            Policy = PolicySettings.Load(config, errs),
            Delivery = DeliverySettings.Load(config, errs),
        };

        var known = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "milter:listen", "milter:socket_mode", "milter:socket_group", "milter:max_packet_size", "milter:max_header_count",
            "milter:max_header_bytes", "milter:max_message_size", "milter:spool_memory_threshold", "milter:spool_directory",
            "milter:progress_interval", "milter:read_timeout", "milter:shutdown_timeout", "milter:max_connections",
            "filter:hostname", "filter:trace", "filter:authd_socket", "filter:reinject", "filter:key_cache_ttl", "log:level",
            "metrics:listen", "metrics:authd_listen", // authd_listen: mailfilter-authd's
        };
        foreach (var entry in config.AsEnumerable().Where(kv => kv.Value is not null))
        {
            var parts = entry.Key.Split(':', 2);
            if (parts.Length == 2 && ConfigSections.IsOtherPrograms(parts[0], ConfigSections.Mailfilterd))
            {
                continue; // mailfilter-authd's sections of the shared file: checked there
            }

            if (parts.Length == 2 && parts[0] is "policy" or "delivery")
            {
                continue; // checked by PolicySettings and DeliverySettings
            }

            if (!known.Contains(entry.Key))
            {
                errs.Add(parts.Length != 2 ? $"{entry.Key}: setting outside a [section]"
                    : ConfigSections.IsKnown(parts[0]) ? $"[{parts[0]}] {parts[1]}: unknown setting"
                    : $"[{parts[0]}]: unknown section (mailfilterd reads [milter], [filter], [policy], [delivery], [metrics], [log]; mailfilter-authd [authd], [database], [discovery], [metrics])");
            }
        }

        errors = errs;
        return settings;
    }
}
