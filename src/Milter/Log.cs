using MailFilter.Milter.Wire;
using Microsoft.Extensions.Logging;

namespace MailFilter.Milter;

/// <summary>Log messages of the milter library. Event ids 1000-1099 are stable.</summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "milter listening on {Endpoint}")]
    public static partial void Listening(ILogger logger, string endpoint);

    [LoggerMessage(1001, LogLevel.Debug, "conn {ConnectionId}: opened from {Remote}")]
    public static partial void ConnectionOpened(ILogger logger, long connectionId, string remote);

    [LoggerMessage(1002, LogLevel.Debug, "conn {ConnectionId}: closed")]
    public static partial void ConnectionClosed(ILogger logger, long connectionId);

    [LoggerMessage(1003, LogLevel.Debug, "conn {ConnectionId}: negotiated; MTA offered v{OfferVersion} actions 0x{OfferActions:x} protocol 0x{OfferProtocol:x}, replied v{Version} actions 0x{Actions:x} protocol 0x{Protocol:x}")]
    public static partial void Negotiated(ILogger logger, long connectionId, uint offerVersion, uint offerActions, uint offerProtocol, uint version, uint actions, uint protocol);

    [LoggerMessage(1004, LogLevel.Trace, "conn {ConnectionId}: '{Command}' -> {Verdict}")]
    public static partial void Replied(ILogger logger, long connectionId, char command, MilterResponse verdict);

    [LoggerMessage(1005, LogLevel.Warning, "conn {ConnectionId}: {QueueId}: protocol error ({Error}): {Detail}; closing the connection")]
    public static partial void ProtocolError(ILogger logger, long connectionId, string queueId, MilterProtocolError error, string detail);

    [LoggerMessage(1006, LogLevel.Warning, "conn {ConnectionId}: no data from the MTA for {Seconds} s; closing the connection")]
    public static partial void ReadTimeout(ILogger logger, long connectionId, double seconds);

    [LoggerMessage(1007, LogLevel.Debug, "conn {ConnectionId}: peer went away: {Detail}")]
    public static partial void ConnectionLost(ILogger logger, long connectionId, string detail);

    [LoggerMessage(1008, LogLevel.Error, "conn {ConnectionId}: {QueueId}: filter failed; answering tempfail so the MTA keeps the message")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, long connectionId, string queueId);

    [LoggerMessage(1009, LogLevel.Error, "conn {ConnectionId}: connection task failed")]
    public static partial void ConnectionFailed(ILogger logger, Exception exception, long connectionId);

    [LoggerMessage(1010, LogLevel.Warning, "conn {ConnectionId}: DISCARD is not allowed at CONNECT/HELO; answered continue")]
    public static partial void DiscardAtConnect(ILogger logger, long connectionId);

    [LoggerMessage(1011, LogLevel.Debug, "conn {ConnectionId}: closed for shutdown")]
    public static partial void ClosedForShutdown(ILogger logger, long connectionId);

    [LoggerMessage(1012, LogLevel.Information, "milter stopping: {Connections} connections open, {InFlight} messages in flight")]
    public static partial void Stopping(ILogger logger, int connections, int inFlight);

    [LoggerMessage(1013, LogLevel.Warning, "milter stop: {Connections} connections still open after the shutdown timeout; closing them")]
    public static partial void ShutdownTimedOut(ILogger logger, int connections);

    [LoggerMessage(1014, LogLevel.Error, "milter accept failed: {Detail}")]
    public static partial void AcceptFailed(ILogger logger, string detail);

    [LoggerMessage(1015, LogLevel.Warning, "milter connection refused: {Max} connections already open")]
    public static partial void TooManyConnections(ILogger logger, int max);

    [LoggerMessage(1016, LogLevel.Error, "conn {ConnectionId}: {QueueId}: the filter's edits need {Missing}, which the MTA did not grant; answering tempfail")]
    public static partial void RightsMissing(ILogger logger, long connectionId, string queueId, MilterActions missing);

    [LoggerMessage(1017, LogLevel.Warning, "conn {ConnectionId}: {QueueId}: recipient <{Recipient}> refused ({Verdict}) on a connection that negotiated no RCPT answers; the whole message gets that answer")]
    public static partial void RecipientRefusalForMessage(ILogger logger, long connectionId, string queueId, string recipient, MilterResponse verdict);
}
