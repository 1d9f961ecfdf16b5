using Microsoft.Extensions.Logging;

namespace MailFilter.AuthServer;

/// <summary>The attachment store's log lines (docs/attachments.md), events 3060-3079, keyed by the queue id where there is one. Never a token, code or file content.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3060, Level = LogLevel.Information, Message = "attachment {Sha256} stored: {Size} bytes ({Backend})")]
    public static partial void AttachmentStored(ILogger logger, string sha256, long size, string backend);

    [LoggerMessage(EventId = 3061, Level = LogLevel.Warning, Message = "attachment {Sha256} refused: {Reason}")]
    public static partial void AttachmentRefused(ILogger logger, string sha256, string reason);

    [LoggerMessage(EventId = 3062, Level = LogLevel.Information, Message = "{QueueId}: {Count} attachment grants for {Sender} message {MessageId}: {Files} files to {Recipients} recipients, expire {Expires:u}")]
    public static partial void GrantsCreated(ILogger logger, string queueId, int count, string sender, string messageId, int files, int recipients, DateTimeOffset expires);

    [LoggerMessage(EventId = 3063, Level = LogLevel.Information, Message = "download of grant {Grant} ({Recipient}, {FileName}): {Status} {Bytes} bytes from {Client}")]
    public static partial void Downloaded(ILogger logger, long grant, string recipient, string fileName, int status, long bytes, string client);

    [LoggerMessage(EventId = 3064, Level = LogLevel.Warning, Message = "download refused ({Reason}) for grant {Grant} from {Client}")]
    public static partial void DownloadRefused(ILogger logger, string reason, long grant, string client);

    [LoggerMessage(EventId = 3065, Level = LogLevel.Information, Message = "proof code mailed to {Recipient} for grant {Grant}")]
    public static partial void ProofCodeSent(ILogger logger, string recipient, long grant);

    [LoggerMessage(EventId = 3066, Level = LogLevel.Information, Message = "mailbox {Recipient} proved from {Client}")]
    public static partial void MailboxProved(ILogger logger, string recipient, string client);

    [LoggerMessage(EventId = 3067, Level = LogLevel.Warning, Message = "wrong proof code for {Recipient} from {Client}")]
    public static partial void ProofCodeWrong(ILogger logger, string recipient, string client);

    [LoggerMessage(EventId = 3068, Level = LogLevel.Information, Message = "{Count} attachment grants {What} by {Actor}")]
    public static partial void GrantsChanged(ILogger logger, int count, string what, string actor);

    [LoggerMessage(EventId = 3069, Level = LogLevel.Information,
        Message = "attachment gc: {Grants} grants and {Documents} documents released, {Deleted} attachments deleted ({Bytes} bytes), {Proofs} proofs expired")]
    public static partial void GarbageCollected(ILogger logger, int grants, int documents, int deleted, long bytes, int proofs);

    [LoggerMessage(EventId = 3070, Level = LogLevel.Error, Message = "attachment gc failed: {Reason}")]
    public static partial void GarbageCollectionFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 3071, Level = LogLevel.Information, Message = "{Sender} published {Sha256} ({Size} bytes) as the newest version of {Of}: {Following} grants follow it (by {Actor})")]
    public static partial void VersionPublished(ILogger logger, string sender, string sha256, string of, long size, int following, string actor);

    [LoggerMessage(EventId = 3072, Level = LogLevel.Error, Message = "attachment store failure: {Reason}")]
    public static partial void StoreFailed(ILogger logger, string reason);
}
