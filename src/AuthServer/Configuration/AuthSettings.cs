using MailFilter.AuthClient.Protocol;
using MailFilter.Crypto.Envelope;
using MailFilter.Hosting;
using Microsoft.Extensions.Configuration;

namespace MailFilter.AuthServer.Configuration;

/// <summary>
/// mailfilter-authd's settings: the [authd], [database] and [log] sections of /etc/mailfilter/mailfilter.conf
/// (the file mailfilterd reads too), or built-in defaults. Every key is in docs/configuration.md;
/// <see cref="Load"/> names the section and key of every bad value and unknown key.
/// </summary>
public sealed record AuthSettings
{
    public string SocketPath { get; init; } = AuthdRoutes.DefaultSocketPath;

    public UnixFileMode SocketMode { get; init; } = (UnixFileMode)Convert.ToInt32("660", 8);

    /// <summary>The socket's group (resolved from [authd] socket_group), or null to keep the process group.</summary>
    public int? SocketGid { get; init; }

    public AccessSettings Access { get; init; } = new();

    /// <summary>Public HTTP listeners (host:port); empty: none.</summary>
    public IReadOnlyList<string> PublicListen { get; init; } = ["127.0.0.1:8893"];

    public string MasterKeyPath { get; init; } = "/etc/mailfilter/master.key";

    /// <summary>Domains (canonical, lower case) whose addresses get keys on first use.</summary>
    public IReadOnlySet<string> LocalDomains { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    public bool CreateOnFirstUse { get; init; } = true;

    /// <summary>How long unsealed keys stay cached before authd rereads them (rotation or revocation by another authd instance shows after at most this).</summary>
    public TimeSpan KeyCacheTtl { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Where Prometheus metrics are served ([metrics] authd_listen; loopback only); null: not served.</summary>
    public System.Net.IPEndPoint? MetricsListen { get; init; }

    public DatabaseSettings Database { get; init; } = new();

    /// <summary>[discovery]: the peer map and how long peers' answers are trusted (docs/authd-api.md §7.3).</summary>
    public DiscoverySettings Discovery { get; init; } = new();

    /// <summary>[registry]: registered mail (docs/registry.md §7).</summary>
    public RegistrySettings Registry { get; init; } = new();

    /// <summary>[conflicts] (docs/conflicts.md §7).</summary>
    public ConflictSettings Conflicts { get; init; } = new();

    /// <summary>[attachments]: the attachment store, grants and downloads (docs/attachments.md §10).</summary>
    public AttachmentSettings Attachments { get; init; } = new();

    public Microsoft.Extensions.Logging.LogLevel LogLevel { get; init; } = Microsoft.Extensions.Logging.LogLevel.Information;

    /// <summary>Reads the settings; unknown keys and bad values are collected in <paramref name="errors"/>.</summary>
    public static AuthSettings Load(IConfiguration config, out List<string> errors, UnixAccounts? accounts = null)
    {
        var reader = new SettingsReader(config);
        accounts ??= new UnixAccounts();
        var d = new AuthSettings();
        var db = d.Database;

        var mode = d.SocketMode;
        if (reader.Get("authd", "socket_mode") is { } modeText && !ConfigValue.TryParseMode(modeText, out mode))
        {
            reader.Error("authd", "socket_mode", modeText, "not an octal mode like 0660");
        }

        var domains = new HashSet<string>(StringComparer.Ordinal);
        foreach (var domain in reader.List("authd", "local_domains"))
        {
            if (AddressCanonicalizer.TryCanonicalize("x@" + domain, out var canonical))
            {
                domains.Add(canonical[2..]);
            }
            else
            {
                reader.Error("authd", "local_domains", domain, "not a domain name");
            }
        }

        var publicListen = new List<string>();
        foreach (var endpoint in reader.List("authd", "public_listen", "127.0.0.1:8893"))
        {
            if (endpoint.Equals("none", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            int colon = endpoint.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(endpoint[(colon + 1)..], out int port) || port is < 1 or > 65535)
            {
                reader.Error("authd", "public_listen", endpoint, "use host:port, e.g. 127.0.0.1:8893 (or none)");
                continue;
            }

            publicListen.Add(endpoint);
        }

        var settings = new AuthSettings
        {
            SocketPath = reader.Get("authd", "socket") is { Length: > 0 } socket ? socket : d.SocketPath,
            SocketMode = mode,
            SocketGid = reader.Get("authd", "socket_group") is { Length: > 0 } group
                ? accounts.TryResolveGroup(group, out int gid) ? gid : reader.ErrorDefault<int?>("authd", "socket_group", group, "no such group (looked in /etc/group)", null)
                : null,
            Access = new AccessSettings
            {
                ServiceUids = reader.Ids("authd", "api_users", string.Empty, accounts.TryResolveUser),
                ServiceGids = reader.Ids("authd", "api_groups", "mailfilter", accounts.TryResolveGroup),
                AdminUids = new HashSet<int>(reader.Ids("authd", "admin_users", "root", accounts.TryResolveUser)) { 0 },
                AdminGids = reader.Ids("authd", "admin_groups", string.Empty, accounts.TryResolveGroup),
            },
            PublicListen = publicListen,
            MasterKeyPath = reader.Get("authd", "master_key") is { Length: > 0 } mk ? mk : d.MasterKeyPath,
            LocalDomains = domains,
            CreateOnFirstUse = reader.Bool("authd", "create_on_first_use", d.CreateOnFirstUse),
            KeyCacheTtl = reader.Duration("authd", "key_cache_ttl", d.KeyCacheTtl, allowZero: true),
            ShutdownTimeout = reader.Duration("authd", "shutdown_timeout", d.ShutdownTimeout),
            MetricsListen = reader.Get("metrics", "authd_listen") is { } metricsText && !metricsText.Trim().Equals("none", StringComparison.OrdinalIgnoreCase)
                ? Hosting.Metrics.MetricsListener.TryParseEndpoint(metricsText, out var metrics, out var metricsError) ? metrics
                    : reader.ErrorDefault<System.Net.IPEndPoint?>("metrics", "authd_listen", metricsText, metricsError!, null)
                : null,
            Database = new DatabaseSettings
            {
                Host = reader.Get("database", "host") is { Length: > 0 } host ? host : db.Host,
                Port = reader.Int("database", "port", db.Port, 1, 65535),
                Name = reader.Get("database", "name") is { Length: > 0 } name ? name : db.Name,
                User = reader.Get("database", "user") is { Length: > 0 } user ? user : db.User,
                PasswordFile = reader.Get("database", "password_file") is { Length: > 0 } pw ? pw : null,
                PoolSize = reader.Int("database", "pool_size", db.PoolSize, 1, 1000),
                ConnectTimeout = reader.Duration("database", "connect_timeout", db.ConnectTimeout),
                CommandTimeout = reader.Duration("database", "command_timeout", db.CommandTimeout),
                MigrateOnStart = reader.Bool("database", "migrate_on_start", db.MigrateOnStart),
            },
            Discovery = DiscoverySettingsReader.Read(config, reader, domains),
            Registry = RegistrySettingsReader.Read(reader),
            Conflicts = ConflictSettingsReader.Read(reader),
            LogLevel = reader.LogLevel(d.LogLevel),
        };

        settings = settings with { Attachments = AttachmentSettingsReader.Read(reader, settings.Registry) };
        if (settings.Database.PasswordFile is { } passwordFile && !File.Exists(passwordFile))
        {
            reader.Error("database", "password_file", passwordFile, "no such file");
        }

        reader.CheckUnknown(
            ["socket", "socket_mode", "socket_group", "api_users", "api_groups", "admin_users", "admin_groups", "public_listen", "master_key",
             "local_domains", "create_on_first_use", "key_cache_ttl", "shutdown_timeout"],
            ["host", "port", "name", "user", "password_file", "pool_size", "connect_timeout", "command_timeout", "migrate_on_start"],
            DiscoverySettingsReader.SettingNames,
            RegistrySettings.SettingNames,
            ConflictSettings.SettingNames,
            AttachmentSettings.SettingNames);
        errors = reader.Errors;
        return settings;
    }
}
