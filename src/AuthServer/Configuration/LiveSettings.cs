using MailFilter.Hosting;

namespace MailFilter.AuthServer.Configuration;

/// <summary>
/// The settings a running mailfilter-authd works with: those it started on, replaced whole by a reload (SIGHUP,
/// <see cref="AuthServerHost.Reload"/>). Services read <see cref="Current"/> where they use a setting, so each operation
/// sees one consistent record and the next one the reloaded file. What is built once at start (listeners, the
/// database pool, the master key, the attachment backend, timers) keeps the start values: <see cref="RestartOnly"/>.
/// </summary>
public sealed class LiveSettings(AuthSettings initial)
{
    // [section] key prefixes (as IConfiguration spells them, "section:key") that only a restart applies.
    private static readonly string[] s_restartOnly =
    [
        "authd:socket", "authd:public_listen", "authd:master_key", "authd:shutdown_timeout", "database:", "metrics:", "log:",
        "attachments:store", "attachments:path", "attachments:s3_", "attachments:quota", "attachments:gc_interval", "registry:cleanup_interval",
        "registry:reminder_check", "conflicts:cleanup_interval", "discovery:timeout",
    ];

    private AuthSettings _current = initial;

    public AuthSettings Current => Volatile.Read(ref _current);

    public void Replace(AuthSettings next) => Volatile.Write(ref _current, next);

    /// <summary>The settings that differ between two readings of the file and only a restart applies, as "[section] key".</summary>
    public static IReadOnlyList<string> RestartOnly(IReadOnlyDictionary<string, string> running, IReadOnlyDictionary<string, string> next) =>
        ConfigFile.RestartOnlyChanges(running, next, key => s_restartOnly.Any(p => key.StartsWith(p, StringComparison.OrdinalIgnoreCase)));
}
