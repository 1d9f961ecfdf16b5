namespace MailFilter.Milter.Wire;

/// <summary>Why a peer's bytes were refused. Each reason closes the connection.</summary>
public enum MilterProtocolError
{
    /// <summary>A packet length of 0: there is not even a command byte.</summary>
    ZeroLength,
    /// <summary>A packet longer than the configured cap (checked before allocating).</summary>
    PacketTooLarge,
    /// <summary>The connection ended inside a packet.</summary>
    Truncated,
    /// <summary>A command byte this protocol does not define.</summary>
    UnknownCommand,
    /// <summary>A payload that does not have the command's layout (missing NUL, short integers, ...).</summary>
    MalformedPayload,
    /// <summary>A command that is not legal in the session's current state (BODY before MAIL, a second OPTNEG, ...).</summary>
    UnexpectedCommand,
    /// <summary>OPTNEG offered a protocol version below 2.</summary>
    UnsupportedVersion,
    /// <summary>More headers, or more header bytes, than the configured limits.</summary>
    HeaderLimitExceeded,
    /// <summary>A reply the filter side does not understand (client side only).</summary>
    UnknownReply,
}
