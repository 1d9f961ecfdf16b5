using Microsoft.Extensions.Logging;

namespace MailFilter.Filter;

/// <summary>The whitelist stage's log lines (docs/whitelist.md §5), events 2040-2041, keyed by queue id.</summary>
internal static partial class Log
{
    [LoggerMessage(2040, LogLevel.Information, "{QueueId}: whitelist from=<{Sender}> to=<{Recipient}> user={User} version={Version} decision={Decision}")]
    public static partial void WhitelistDecision(ILogger logger, string queueId, string sender, string recipient, string user, long version, string decision);

    [LoggerMessage(2041, LogLevel.Warning, "{QueueId}: whitelist from=<{Sender}> to=<{Recipient}>: mailfilter-authd unavailable ({Code}); answering 451 for this recipient")]
    public static partial void WhitelistUnavailable(ILogger logger, string queueId, string sender, string recipient, string code);
}
