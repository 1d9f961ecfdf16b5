namespace MailFilter.Filter.Delivery.Lmtp;

/// <summary>The fixed replies of the LMTP server (RFC 5321 §4.2.2 codes, RFC 3463 enhanced codes).</summary>
public static class LmtpReplies
{
    public static readonly LmtpReply Ok = new(250, "2.0.0", "OK");
    public static readonly LmtpReply SenderOk = new(250, "2.1.0", "sender OK");
    public static readonly LmtpReply RecipientOk = new(250, "2.1.5", "recipient OK");
    public static readonly LmtpReply StartData = new(354, null, "send the message, end with <CRLF>.<CRLF>");
    public static readonly LmtpReply Bye = new(221, "2.0.0", "bye");
    public static readonly LmtpReply VrfyNotChecked = new(252, "2.5.0", "cannot verify, but will try delivery");
    public static readonly LmtpReply UseLhlo = new(500, "5.5.1", "this is LMTP: say LHLO (RFC 2033)");
    public static readonly LmtpReply Unrecognized = new(500, "5.5.2", "command not recognized");
    public static readonly LmtpReply LineTooLong = new(500, "5.5.2", "line too long");
    public static readonly LmtpReply NeedLhlo = new(503, "5.5.1", "say LHLO first");
    public static readonly LmtpReply NestedMail = new(503, "5.5.1", "MAIL already given; RSET first");
    public static readonly LmtpReply NeedMail = new(503, "5.5.1", "MAIL first");
    public static readonly LmtpReply NeedRcpt = new(503, "5.5.1", "no valid recipients");
    public static readonly LmtpReply TooManyRecipients = new(452, "4.5.3", "too many recipients");
    public static readonly LmtpReply TooBig = new(552, "5.3.4", "message too big");
    public static readonly LmtpReply TooManyErrors = new(421, "4.7.0", "too many errors, closing");
    public static readonly LmtpReply ShuttingDown = new(421, "4.3.2", "shutting down");
    public static readonly LmtpReply Timeout = new(421, "4.4.2", "timeout, closing");

    public static LmtpReply Syntax(string text) => new(501, "5.5.4", text);

    public static LmtpReply BadParameter(string text) => new(555, "5.5.4", text);
}
