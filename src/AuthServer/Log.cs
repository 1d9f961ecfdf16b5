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

    [LoggerMessage(EventId = 3014, Level = LogLevel.Information, Message = "{Address}: {Use} key {NewKid} replaces {OldKid}; rotation announced, signed by {SignerKid}")]
    public static partial void RotationAnnounced(ILogger logger, string address, string use, string newKid, string oldKid, string signerKid);

    [LoggerMessage(EventId = 3015, Level = LogLevel.Information, Message = "{Address}: {Count} keys pinned on first use from {Source} ({Use} key {Kid} current)")]
    public static partial void KeysPinnedOnFirstUse(ILogger logger, string address, int count, string source, string use, string kid);

    [LoggerMessage(EventId = 3016, Level = LogLevel.Information, Message = "{Address}: {Use} key {NewKid} replaces pinned {OldKid}, confirmed by the rotation announcement from {Source}")]
    public static partial void PinMovedByAnnouncement(ILogger logger, string address, string use, string newKid, string oldKid, string source);

    [LoggerMessage(EventId = 3017, Level = LogLevel.Warning, Message = "{Address}: {Source} presents {Use} key {NewKid}, not the pinned {OldKid}, without a valid rotation announcement ({Reason}); not used until the admin accepts it (mailfilterctl keys pins)")]
    public static partial void PinChangeRecorded(ILogger logger, string address, string source, string use, string newKid, string oldKid, string reason);

    [LoggerMessage(EventId = 3018, Level = LogLevel.Warning, Message = "{Address}: pin change {Use} {OldKid} -> {NewKid} {Decision} by {Actor}")]
    public static partial void PinChangeDecided(ILogger logger, string address, string use, string oldKid, string newKid, string decision, string actor);

    [LoggerMessage(EventId = 3019, Level = LogLevel.Warning, Message = "{Address}: discovery peer {Source} failed: {Reason}")]
    public static partial void PeerFetchFailed(ILogger logger, string address, string source, string reason);

    [LoggerMessage(EventId = 3020, Level = LogLevel.Warning, Message = "{Address}: serving the pinned keys fetched {Age} ago (the peer does not answer)")]
    public static partial void ServingStalePins(ILogger logger, string address, string age);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Information, Message = "discovery: {Count} peer domains ({Domains}); cache {Ttl}, stale up to {MaxStale}, timeout {Timeout}")]
    public static partial void DiscoveryPeers(ILogger logger, int count, string domains, string ttl, string maxStale, string timeout);

    [LoggerMessage(EventId = 3040, Level = LogLevel.Information, Message = "{Address}: registration submitted by {Actor}, confirmation mailed")]
    public static partial void AddressSubmitted(ILogger logger, string address, string actor);

    [LoggerMessage(EventId = 3041, Level = LogLevel.Information, Message = "{Address}: registration confirmed ({Actor})")]
    public static partial void AddressConfirmed(ILogger logger, string address, string actor);

    [LoggerMessage(EventId = 3042, Level = LogLevel.Warning, Message = "{Address}: registration submitted again within [registry] resend_interval; nothing mailed")]
    public static partial void ResendLimited(ILogger logger, string address);

    [LoggerMessage(EventId = 3043, Level = LogLevel.Information, Message = "{Address}: registration unbound by {Actor}")]
    public static partial void AddressUnbound(ILogger logger, string address, string actor);

    [LoggerMessage(EventId = 3044, Level = LogLevel.Information, Message = "{Address}: registration reminder mailed ({Actor})")]
    public static partial void ReminderSent(ILogger logger, string address, string actor);

    [LoggerMessage(EventId = 3045, Level = LogLevel.Warning, Message = "{Address}: reminder not sent: {Reason}")]
    public static partial void ReminderFailed(ILogger logger, string address, string reason);

    [LoggerMessage(EventId = 3046, Level = LogLevel.Error, Message = "{Address}: registration mail not submitted: {Reason}")]
    public static partial void RegistryMailFailed(ILogger logger, string address, string reason);

    [LoggerMessage(EventId = 3047, Level = LogLevel.Debug, Message = "{Sender}: message registered as {ConfirmationNo} for {Count} recipients")]
    public static partial void MessageRegistered(ILogger logger, string sender, string confirmationNo, int count);

    [LoggerMessage(EventId = 3048, Level = LogLevel.Warning, Message = "registry query for {ConfirmationNo} does not match the registration (possible phishing)")]
    public static partial void RegistryMismatch(ILogger logger, string confirmationNo);

    [LoggerMessage(EventId = 3049, Level = LogLevel.Information, Message = "{Count} expired registrations deleted")]
    public static partial void RegistrationsExpired(ILogger logger, int count);

    [LoggerMessage(EventId = 3050, Level = LogLevel.Warning, Message = "client {Client} rate limited on {Path}")]
    public static partial void RateLimited(ILogger logger, string client, string path);

    [LoggerMessage(EventId = 3051, Level = LogLevel.Error, Message = "registry maintenance failed: {Reason}")]
    public static partial void MaintenanceFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 3073, Level = LogLevel.Information, Message = "configuration reloaded from {Path}: requests and connections from now on use it")]
    public static partial void Reloaded(ILogger logger, string path);

    [LoggerMessage(EventId = 3074, Level = LogLevel.Error, Message = "reload refused, the running settings stay: {Path}: {Error}")]
    public static partial void ReloadRefused(ILogger logger, string path, string error);

    [LoggerMessage(EventId = 3075, Level = LogLevel.Warning, Message = "reload: {Setting} changed; it takes effect at the next restart (systemctl restart mailfilter-authd)")]
    public static partial void RestartNeeded(ILogger logger, string setting);
}
