using Microsoft.Extensions.Logging;

namespace MailFilter.AuthServer;

/// <summary>The whitelist's log lines (docs/whitelist.md), events 3030-3039. Never a password or a hash.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3030, Level = LogLevel.Information, Message = "user {Name} {What} by {Actor}")]
    public static partial void UserChanged(ILogger logger, string name, string what, string actor);

    [LoggerMessage(EventId = 3031, Level = LogLevel.Warning, Message = "whitelist login for {Name} from {Client} failed")]
    public static partial void LoginFailed(ILogger logger, string name, string client);

    [LoggerMessage(EventId = 3032, Level = LogLevel.Warning, Message = "whitelist login for {Name} from {Client} refused: locked out for {Seconds:F1} s after repeated failures")]
    public static partial void LoginThrottled(ILogger logger, string name, string client, double seconds);

    [LoggerMessage(EventId = 3033, Level = LogLevel.Information, Message = "whitelist of {Name} now at version {Version}: {Added} added, {Updated} updated, {Removed} removed by {Actor}")]
    public static partial void WhitelistChanged(ILogger logger, string name, long version, int added, int updated, int removed, string actor);

    [LoggerMessage(EventId = 3034, Level = LogLevel.Warning, Message = "whitelist call from {Client} refused: not a loopback connection (publish the public listener through a TLS reverse proxy)")]
    public static partial void WhitelistNotTls(ILogger logger, string client);
}
