namespace MailFilter.Filter.Delivery.Lmtp;

/// <summary>LMTP commands (RFC 2033 §4; RFC 5321 §4.1.1); XFORWARD is Postfix's (XFORWARD_README).</summary>
public enum LmtpVerb
{
    Unknown,
    Lhlo,
    Helo,
    Ehlo,
    Mail,
    Rcpt,
    Data,
    Rset,
    Noop,
    Quit,
    Vrfy,
    Xforward,
}
