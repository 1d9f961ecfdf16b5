namespace MailFilter.Filter.Delivery.Lmtp;

/// <summary>What the connection does after a command was handled.</summary>
public enum LmtpSessionAction
{
    /// <summary>Send the reply and read the next command.</summary>
    Reply,

    /// <summary>Send 354 and read the message content.</summary>
    StartData,

    /// <summary>Send the reply and close (QUIT, or too many errors).</summary>
    Close,
}
