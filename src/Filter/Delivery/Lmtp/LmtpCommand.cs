using System.Buffers;
using System.Text;

namespace MailFilter.Filter.Delivery.Lmtp;

/// <summary>One command line split into its verb and argument (the text after the verb and one space).</summary>
public readonly record struct LmtpCommand(LmtpVerb Verb, string Argument)
{
    /// <summary>Splits a line. Verbs compare case-insensitively (RFC 5321 §2.4); the argument is kept as sent.
    /// Command lines are ASCII; other bytes are read as UTF-8 (RFC 6531 addresses) and checked by the path parser.</summary>
    public static LmtpCommand Parse(in ReadOnlySequence<byte> line)
    {
        string text = Encoding.UTF8.GetString(line);
        int space = text.IndexOf(' ', StringComparison.Ordinal);
        string verb = space < 0 ? text : text[..space];
        string argument = space < 0 ? string.Empty : text[(space + 1)..];
        return new LmtpCommand(ParseVerb(verb), argument);
    }

    private static LmtpVerb ParseVerb(string verb) => verb.ToUpperInvariant() switch
    {
        "LHLO" => LmtpVerb.Lhlo,
        "HELO" => LmtpVerb.Helo,
        "EHLO" => LmtpVerb.Ehlo,
        "MAIL" => LmtpVerb.Mail,
        "RCPT" => LmtpVerb.Rcpt,
        "DATA" => LmtpVerb.Data,
        "RSET" => LmtpVerb.Rset,
        "NOOP" => LmtpVerb.Noop,
        "QUIT" => LmtpVerb.Quit,
        "VRFY" => LmtpVerb.Vrfy,
        "XFORWARD" => LmtpVerb.Xforward,
        _ => LmtpVerb.Unknown,
    };
}
