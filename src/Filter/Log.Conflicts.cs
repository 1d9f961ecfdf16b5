using Microsoft.Extensions.Logging;

namespace MailFilter.Filter;

/// <summary>The delivery agent's conflict check and whitelist learning (docs/conflicts.md, docs/whitelist.md §6), events 2060-2063, keyed by queue id.</summary>
internal static partial class Log
{
    [LoggerMessage(2060, LogLevel.Warning, "{QueueId}: to=<{Recipient}> signer={Signer} kid={Kid} client={Client}: {Reply}")]
    public static partial void ConflictHeld(ILogger logger, string queueId, string recipient, string signer, string kid, string client, string reply);

    [LoggerMessage(2061, LogLevel.Warning, "{QueueId}: to=<{Recipient}>: observation not recorded: {Reason}")]
    public static partial void ObservationRefused(ILogger logger, string queueId, string recipient, string reason);

    [LoggerMessage(2062, LogLevel.Information, "{QueueId}: to=<{Recipient}> whitelist learning of {Contact}: user={User} version={Version} {Outcome}")]
    public static partial void WhitelistLearning(ILogger logger, string queueId, string recipient, string contact, string user, long version, string outcome);

    [LoggerMessage(2063, LogLevel.Warning, "{QueueId}: to=<{Recipient}> whitelist learning of {Contact} failed: mailfilter-authd {Code}")]
    public static partial void WhitelistLearningFailed(ILogger logger, string queueId, string recipient, string contact, string code);
}
