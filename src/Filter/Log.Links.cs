using Microsoft.Extensions.Logging;

namespace MailFilter.Filter;

/// <summary>The links stage's log lines (docs/attachments.md), events 2070-2072, keyed by queue id.</summary>
internal static partial class Log
{
    [LoggerMessage(2070, LogLevel.Information, "{QueueId}: links files={Files} bytes={Bytes} stored={Stored} present={Present} recipients={Recipients} copies={Copies} follow={Follow}")]
    public static partial void LinksReplaced(ILogger logger, string queueId, int files, long bytes, int stored, int present, int recipients, int copies, string follow);

    [LoggerMessage(2071, LogLevel.Warning, "{QueueId}: links: attachment store {Failure} ({Reason}); {Action}")]
    public static partial void LinksStoreFailed(ILogger logger, string queueId, string failure, string reason, string action);

    [LoggerMessage(2072, LogLevel.Information, "{QueueId}: links skipped: {Reason}")]
    public static partial void LinksSkipped(ILogger logger, string queueId, string reason);
}
