using MailFilter.Milter;
using Microsoft.Extensions.Logging;

namespace MailFilter.Filter;

/// <summary>mailfilterd's log lines. Event ids 2000-2099 are stable. Never log bodies or secrets.</summary>
internal static partial class Log
{
    [LoggerMessage(2000, LogLevel.Information, "{QueueId}: from=<{Sender}> rcpts={Recipients} size={Size} results={Results} verdict={Verdict} by={DecidedBy} time={Milliseconds:F2}ms")]
    public static partial void Message(ILogger logger, string queueId, string sender, int recipients, long size, string results, MilterResponse verdict, string decidedBy, double milliseconds);

    [LoggerMessage(2001, LogLevel.Error, "{QueueId}: a pipeline stage failed; answering tempfail so Postfix keeps the message")]
    public static partial void StageFailed(ILogger logger, Exception exception, string queueId);

    [LoggerMessage(2002, LogLevel.Information, "mailfilterd {Version} started: milter on {Endpoints}; stages {Stages}")]
    public static partial void Started(ILogger logger, string version, string endpoints, string stages);

    [LoggerMessage(2003, LogLevel.Information, "mailfilterd stopping: finishing messages in flight")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(2004, LogLevel.Information, "mailfilterd stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(2005, LogLevel.Information, "{QueueId}: sender <{Sender}> refused by {Stage}: {Verdict}")]
    public static partial void SenderRefused(ILogger logger, string queueId, string sender, string stage, MilterResponse verdict);

    [LoggerMessage(2006, LogLevel.Information, "{QueueId}: recipient <{Recipient}> refused by {Stage}: {Verdict}")]
    public static partial void RecipientRefused(ILogger logger, string queueId, string recipient, string stage, MilterResponse verdict);

    [LoggerMessage(2007, LogLevel.Debug, "{QueueId}: from=<{Sender}> client={Client}: not outbound, passed untouched")]
    public static partial void NotOutbound(ILogger logger, string queueId, string sender, string client);

    [LoggerMessage(2008, LogLevel.Warning, "{QueueId}: from=<{Sender}> client={Client}: an X-MailFilter-Reinjected header that does not verify was removed; the message is processed")]
    public static partial void ForgedReinjectionHeader(ILogger logger, string queueId, string sender, string client);

    [LoggerMessage(2009, LogLevel.Information, "{QueueId}: copy for <{Recipient}> re-injected as {NewQueueId}")]
    public static partial void Reinjected(ILogger logger, string queueId, string recipient, string newQueueId);

    [LoggerMessage(2010, LogLevel.Warning, "{QueueId}: copy for <{Recipient}> could not be re-injected ({Reason}); answering tempfail")]
    public static partial void ReinjectionFailed(ILogger logger, string queueId, string recipient, string reason);

    [LoggerMessage(2011, LogLevel.Warning, "{QueueId}: mailfilter-authd unavailable ({Reason}); answering tempfail")]
    public static partial void AuthdUnavailable(ILogger logger, string queueId, string reason);

    [LoggerMessage(2012, LogLevel.Debug, "{QueueId}: from=<{Sender}> outbound ({How})")]
    public static partial void Outbound(ILogger logger, string queueId, string sender, string how);

    [LoggerMessage(2013, LogLevel.Information, "configuration reloaded from {Path}: messages from now on use it; stages {Stages}")]
    public static partial void Reloaded(ILogger logger, string path, string stages);

    [LoggerMessage(2014, LogLevel.Error, "reload refused, the running settings stay: {Path}: {Error}")]
    public static partial void ReloadRefused(ILogger logger, string path, string error);

    [LoggerMessage(2015, LogLevel.Warning, "reload: {Setting} changed; it takes effect at the next restart (systemctl restart mailfilterd)")]
    public static partial void RestartNeeded(ILogger logger, string setting);

    // 2050-2069: the delivery agent (LMTP).

    [LoggerMessage(2050, LogLevel.Information, "{QueueId}: to=<{Recipient}> from=<{Sender}> result={Result} reason={Reason} decrypted={Decrypted} store={Store} reply={Reply} detail={Detail} time={Milliseconds:F2}ms")]
    public static partial void Delivered(ILogger logger, string queueId, string recipient, string sender, string result, string reason, string decrypted, string store, string reply, string detail, double milliseconds);

    [LoggerMessage(2051, LogLevel.Information, "delivery agent (LMTP) on {Endpoints}; store {Store}; authserv-id {AuthservId}")]
    public static partial void DeliveryStarted(ILogger logger, string endpoints, string store, string authservId);

    [LoggerMessage(2052, LogLevel.Warning, "{QueueId}: to=<{Recipient}>: mailfilter-authd failed ({ErrorCode}, status {Status}); answering 451 so Postfix keeps the message")]
    public static partial void AuthdFailed(ILogger logger, string queueId, string recipient, string errorCode, int? status);

    [LoggerMessage(2053, LogLevel.Error, "{QueueId}: to=<{Recipient}>: delivery failed; answering 451 so Postfix keeps the message")]
    public static partial void DeliveryFailed(ILogger logger, Exception exception, string queueId, string recipient);

    [LoggerMessage(2054, LogLevel.Information, "{QueueId}: to=<{Recipient}> from=<{Sender}> refused: {Reply}")]
    public static partial void DeliveryRefused(ILogger logger, string queueId, string recipient, string sender, string reply);

    [LoggerMessage(2055, LogLevel.Warning, "LMTP accept failed: {Reason}")]
    public static partial void LmtpAcceptFailed(ILogger logger, string reason);

    [LoggerMessage(2056, LogLevel.Warning, "LMTP: {Limit} connections open; closing a new one (Postfix retries)")]
    public static partial void LmtpTooManyConnections(ILogger logger, int limit);

    [LoggerMessage(2057, LogLevel.Debug, "LMTP connection {Id} lost: {Reason}")]
    public static partial void LmtpConnectionLost(ILogger logger, long id, string reason);

    [LoggerMessage(2058, LogLevel.Error, "LMTP connection {Id} failed")]
    public static partial void LmtpConnectionFailed(ILogger logger, Exception exception, long id);

    [LoggerMessage(2060, LogLevel.Warning, "{QueueId}: to={Recipient} from={Sender} registry=fail ({Reason}): suspected phishing, handled as {Policy}")]
    public static partial void RegistryClaimFailed(ILogger logger, string queueId, string recipient, string sender, string reason, string policy);
}
