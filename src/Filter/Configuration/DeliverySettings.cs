using System.Globalization;
using MailFilter.Hosting;
using MailFilter.Milter;
using Microsoft.Extensions.Configuration;

namespace MailFilter.Filter.Configuration;

/// <summary>
/// The delivery agent: <c>[delivery]</c> (docs/pipeline.md "Inbound", docs/configuration.md). The LMTP listener runs
/// only when <see cref="Listen"/> is set; messages go to Dovecot when <see cref="DovecotLmtp"/> is set, otherwise into
/// Maildirs under <see cref="Maildir"/>.
/// </summary>
public sealed record DeliverySettings
{
    private static readonly string[] s_keys =
    [
        "listen", "socket_mode", "socket_group", "maildir", "maildir_owner", "dovecot_lmtp", "dovecot_timeout", "authserv_id",
        "max_message_size", "max_recipients", "max_line_length", "spool_memory_threshold", "spool_directory",
        "read_timeout", "max_connections", "shutdown_timeout", "replay_cache", "registry_failure", "quarantine_folder",
    ];

    /// <summary>Where Postfix's lmtp client connects; empty when the delivery agent is off.</summary>
    public IReadOnlyList<MilterEndpoint> Listen { get; init; } = [];

    public bool Enabled => Listen.Count > 0;

    public UnixFileMode SocketMode { get; init; } = (UnixFileMode)Convert.ToInt32("660", 8);

    public string? SocketGroup { get; init; }

    /// <summary>Base of the Maildirs (ROOT/DOMAIN/LOCALPART/).</summary>
    public string Maildir { get; init; } = "/var/lib/mailfilter/maildir";

    /// <summary>User (and group) that owns created Maildirs: "vmail" or "vmail:mail"; null for mailfilterd's own user.</summary>
    public string? MaildirOwner { get; init; }

    /// <summary>Dovecot's LMTP socket; when set, messages go there instead of the Maildir.</summary>
    public MilterEndpoint? DovecotLmtp { get; init; }

    public TimeSpan DovecotTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Our authserv-id in Authentication-Results (default: [filter] hostname).</summary>
    public string AuthservId { get; init; } = Environment.MachineName;

    public long MaxMessageSize { get; init; } = 1L << 30;

    public int MaxRecipients { get; init; } = 1000;

    public int MaxLineLength { get; init; } = 2048;

    public long SpoolMemoryThreshold { get; init; } = 1 << 20;

    public string SpoolDirectory { get; init; } = Environment.GetEnvironmentVariable("TMPDIR") is { Length: > 0 } t ? t : "/tmp";

    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromMinutes(10);

    public int MaxConnections { get; init; } = 1000;

    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Envelopes remembered against replay (docs/envelope.md §6 step 15).</summary>
    public int ReplayCache { get; init; } = 100_000;

    /// <summary>
    /// What a failed X-Registered claim gets (docs/registry.md §5): "tag" (Subject prefix), "warn" (prefix, a warning
    /// header and a warning text part first in the body) or "quarantine" (prefix, warning header, stored in
    /// <see cref="QuarantineFolder"/>).
    /// </summary>
    public string RegistryFailure { get; init; } = "tag";

    /// <summary>The mailbox folder quarantined messages go to (Maildir++ <c>.NAME</c>; Dovecot: the address's +NAME detail).</summary>
    public string QuarantineFolder { get; init; } = "Quarantine";

    public static DeliverySettings Load(IConfiguration config, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(errors);
        var d = new DeliverySettings();
        var section = config.GetSection("delivery");
        string? Get(string key) => section[key];

        foreach (var entry in section.AsEnumerable(makePathsRelative: true).Where(kv => kv.Value is not null))
        {
            if (!s_keys.Contains(entry.Key, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"[delivery] {entry.Key}: unknown setting");
            }
        }

        long Size(string key, long fallback, long min)
        {
            if (Get(key) is not { } v)
            {
                return fallback;
            }

            if (ConfigValue.TryParseSize(v, out long n) && n >= min)
            {
                return n;
            }

            errors.Add($"[delivery] {key} = {v}: not a size of at least {min.ToString(CultureInfo.InvariantCulture)} (use bytes or a number with K, M or G)");
            return fallback;
        }

        TimeSpan Duration(string key, TimeSpan fallback)
        {
            if (Get(key) is not { } v)
            {
                return fallback;
            }

            if (ConfigValue.TryParseDuration(v, out var t) && t > TimeSpan.Zero)
            {
                return t;
            }

            errors.Add($"[delivery] {key} = {v}: not a duration (e.g. 500ms, 10s, 5m, 1h)");
            return fallback;
        }

        MilterEndpoint? Endpoint(string key, string spec)
        {
            if (MilterEndpoint.TryParse(spec, out var endpoint, out var error))
            {
                return endpoint;
            }

            errors.Add($"[delivery] {key}: {error.Replace("milter address", "address", StringComparison.Ordinal)}");
            return null;
        }

        var listen = new List<MilterEndpoint>();
        var listenText = Get("listen");
        if (listenText is not null && !listenText.Trim().Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var spec in listenText.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))
            {
                if (Endpoint("listen", spec) is { } e)
                {
                    listen.Add(e);
                }
            }
        }

        var mode = d.SocketMode;
        if (Get("socket_mode") is { } modeText && !ConfigValue.TryParseMode(modeText, out mode))
        {
            errors.Add($"[delivery] socket_mode = {modeText}: not an octal mode like 0660");
        }

        var authservId = Get("authserv_id") ?? config["filter:hostname"] ?? d.AuthservId;
        if (authservId.Length == 0 || authservId.Any(c => c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?=".Contains(c)))
        {
            errors.Add($"[delivery] authserv_id = {authservId}: must be a host name (RFC 8601 §2.5)");
            authservId = d.AuthservId;
        }

        var owner = Get("maildir_owner") is { Length: > 0 } o ? o : null;
        if (owner is not null && !TryResolveOwner(owner, out _, out var ownerError))
        {
            errors.Add($"[delivery] maildir_owner = {owner}: {ownerError}");
        }

        var registryFailure = Get("registry_failure")?.Trim().ToLowerInvariant() ?? d.RegistryFailure;
        if (registryFailure is not ("tag" or "warn" or "quarantine"))
        {
            errors.Add($"[delivery] registry_failure = {registryFailure}: use tag, warn or quarantine");
            registryFailure = d.RegistryFailure;
        }

        var quarantine = Get("quarantine_folder")?.Trim() ?? d.QuarantineFolder;
        if (!IsFolderName(quarantine))
        {
            errors.Add($"[delivery] quarantine_folder = {quarantine}: use 1 to 64 letters, digits, '-' or '_' (one folder under the inbox level)");
            quarantine = d.QuarantineFolder;
        }

        var dovecot = Get("dovecot_lmtp") is { Length: > 0 } dv ? Endpoint("dovecot_lmtp", dv) : null;
        return new DeliverySettings
        {
            Listen = listen,
            SocketMode = mode,
            SocketGroup = Get("socket_group") is { Length: > 0 } g ? g : null,
            Maildir = Get("maildir") is { Length: > 0 } m ? m : d.Maildir,
            MaildirOwner = owner,
            DovecotLmtp = dovecot,
            DovecotTimeout = Duration("dovecot_timeout", d.DovecotTimeout),
            AuthservId = authservId,
            MaxMessageSize = Size("max_message_size", d.MaxMessageSize, 1024),
            MaxRecipients = (int)Math.Min(Size("max_recipients", d.MaxRecipients, 1), 100_000),
            MaxLineLength = (int)Math.Min(Size("max_line_length", d.MaxLineLength, 512), 1 << 20),
            SpoolMemoryThreshold = Size("spool_memory_threshold", d.SpoolMemoryThreshold, 1),
            SpoolDirectory = Get("spool_directory") is { Length: > 0 } s ? s : d.SpoolDirectory,
            ReadTimeout = Duration("read_timeout", d.ReadTimeout),
            MaxConnections = (int)Math.Min(Size("max_connections", d.MaxConnections, 1), int.MaxValue),
            ShutdownTimeout = Duration("shutdown_timeout", d.ShutdownTimeout),
            ReplayCache = (int)Math.Min(Size("replay_cache", d.ReplayCache, 1), 100_000_000),
            RegistryFailure = registryFailure,
            QuarantineFolder = quarantine,
        };
    }

    /// <summary>"user" or "user:group" to (uid, gid), names from /etc/passwd and /etc/group.</summary>
    /// <summary>A folder name that is safe as a Maildir++ directory (<c>.NAME</c>) and as an address detail (<c>+NAME</c>).</summary>
    public static bool IsFolderName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static bool TryResolveOwner(string owner, out (int Uid, int Gid) ids, out string error)
    {
        ids = default;
        error = string.Empty;
        var parts = owner.Split(':', 2);
        try
        {
            var (uid, gid) = Delivery.UnixIds.ResolveUser(parts[0]);
            ids = (uid, parts.Length == 2 ? Delivery.UnixIds.ResolveGroup(parts[1]) : gid);
            return true;
        }
        catch (ArgumentException e)
        {
            error = e.Message;
            return false;
        }
    }
}
