using Microsoft.Extensions.Logging;

namespace MailFilter.AuthServer;

/// <summary>
/// mailfilter-authd's log lines, event ids 3000-3099 (stable: admins grep and alert on them). They name
/// addresses, kids and peers, never private keys, file keys, passphrases or message content.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information,
        Message = "mailfilter-authd {Version} ready: socket {Socket}, public {Public}, schema version {Schema}, master key {Fingerprint}, local domains {Domains}")]
    public static partial void Started(ILogger logger, string version, string socket, string @public, int schema, string fingerprint, string domains);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "stopping")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "database migration {Version} ({Name}) applied")]
    public static partial void MigrationApplied(ILogger logger, int version, string name);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "{Address}: {Use} key {Kid} created on first use")]
    public static partial void KeyCreatedOnFirstUse(ILogger logger, string address, string use, string kid);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "{Address}: key {Kid} created by {Actor}")]
    public static partial void KeyCreated(ILogger logger, string address, string kid, string actor);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "{Address}: {Use} key {Kid} revoked by {Actor}")]
    public static partial void KeyRevoked(ILogger logger, string address, string use, string kid, string actor);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "{Address}: secret of encryption key {Kid} exported by {Actor}")]
    public static partial void SecretExported(ILogger logger, string address, string kid, string actor);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information, Message = "backup of {Count} keys made for {Actor}")]
    public static partial void BackupMade(ILogger logger, int count, string actor);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Information, Message = "restore by {Actor}: {Restored} keys restored, {Skipped} already present, {Demoted} restored as previous keys")]
    public static partial void BackupRestored(ILogger logger, int restored, int skipped, int demoted, string actor);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Warning, Message = "socket peer pid {Pid} uid {Uid} gid {Gid} is not allowed ([authd] api_users, api_groups, admin_users, admin_groups)")]
    public static partial void PeerRefused(ILogger logger, int pid, int uid, int gid);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Error, Message = "{Path}: database unavailable: {Reason}")]
    public static partial void DatabaseUnavailable(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "{Address}: database unavailable, serving the cached keys ({Reason})")]
    public static partial void ServingStaleKeys(ILogger logger, string address, string reason);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Error, Message = "{Reason}")]
    public static partial void KeyDoesNotOpen(ILogger logger, string reason);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Information, Message = "stopped")]
    public static partial void Stopped(ILogger logger);
}
