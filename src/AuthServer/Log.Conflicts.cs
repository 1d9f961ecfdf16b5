using Microsoft.Extensions.Logging;

namespace MailFilter.AuthServer;

/// <summary>The conflict check's log lines (docs/conflicts.md), events 3060-3069, and whitelist learning (3035).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3060, Level = LogLevel.Warning, Message = "signature conflict {Id}: {Identity} to {Recipient}: forged by {Forgers}, blacklisted ({Reason})")]
    public static partial void ConflictDecided(ILogger logger, long id, string identity, string recipient, string forgers, string reason);

    [LoggerMessage(EventId = 3061, Level = LogLevel.Warning, Message = "signature conflict {Id}: {Identity} to {Recipient} blocked until the admin decides ({Reason}); mailfilterctl conflicts resolve")]
    public static partial void ConflictBlocked(ILogger logger, long id, string identity, string recipient, string reason);

    [LoggerMessage(EventId = 3062, Level = LogLevel.Information, Message = "signature conflict {Id}: {Identity} to {Recipient} resolved ({Decision}) by {Actor}")]
    public static partial void ConflictResolved(ILogger logger, long id, string identity, string recipient, string decision, string actor);

    [LoggerMessage(EventId = 3063, Level = LogLevel.Information, Message = "{QueueId}: {Identity} to {Recipient} from {Client} key {Kid}: {Action} ({Reason})")]
    public static partial void DeliveryHeld(ILogger logger, string queueId, string identity, string recipient, string client, string kid, string action, string reason);

    [LoggerMessage(EventId = 3064, Level = LogLevel.Error, Message = "signature conflict {Id}: notice not submitted: {Reason}")]
    public static partial void NoticeFailed(ILogger logger, long id, string reason);

    [LoggerMessage(EventId = 3065, Level = LogLevel.Information, Message = "blacklist entry {Id} ({Target}) {What} by {Actor}")]
    public static partial void BlacklistChanged(ILogger logger, long id, string target, string what, string actor);

    [LoggerMessage(EventId = 3066, Level = LogLevel.Information, Message = "{Count} old observations deleted")]
    public static partial void ObservationsPruned(ILogger logger, int count);

    [LoggerMessage(EventId = 3035, Level = LogLevel.Information, Message = "whitelist of {Name} learned {Contact} (verified mail delivered to {Recipient}), now at version {Version}")]
    public static partial void WhitelistLearned(ILogger logger, string name, string contact, string recipient, long version);
}
