using System.Globalization;
using System.Text;

namespace MailFilter.Filter.Delivery.Lmtp;

/// <summary>
/// One reply: a three-digit code (RFC 5321 §4.2), an enhanced status code (RFC 3463, RFC 2034: advertised as
/// ENHANCEDSTATUSCODES, so every reply but the greeting carries one) and text lines.
/// </summary>
public sealed record LmtpReply(int Code, string? Enhanced, IReadOnlyList<string> Lines)
{
    public LmtpReply(int code, string? enhanced, string text)
        : this(code, enhanced, [text])
    {
    }

    public bool IsSuccess => Code is >= 200 and < 400;

    public bool IsTransient => Code is >= 400 and < 500;

    public bool IsPermanent => Code >= 500;

    /// <summary>The reply on the wire: "250-..." for every line but the last, "250 ..." for the last; CRLF each; the
    /// enhanced code on every line (RFC 2034 §3).</summary>
    public string ToWire()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < Lines.Count; i++)
        {
            sb.Append(Code.ToString(CultureInfo.InvariantCulture)).Append(i == Lines.Count - 1 ? ' ' : '-');
            if (Enhanced is not null)
            {
                sb.Append(Enhanced).Append(' ');
            }

            sb.Append(Sanitize(Lines[i])).Append("\r\n");
        }

        return sb.ToString();
    }

    /// <summary>"451 4.7.1 text" on one line, for logs.</summary>
    public override string ToString() => ToWire().Replace("\r\n", " / ", StringComparison.Ordinal).TrimEnd(' ', '/');

    /// <summary>Parses a reply's first line as a peer sent it ("550 5.1.1 text"), for passing a downstream reply on.</summary>
    public static LmtpReply FromPeer(int code, IReadOnlyList<string> lines)
    {
        string first = lines.Count > 0 ? lines[0] : string.Empty;
        string? enhanced = null;
        int space = first.IndexOf(' ', StringComparison.Ordinal);
        var head = space < 0 ? first : first[..space];
        if (head.Length >= 5 && head[0] - '0' == code / 100 && head.Count(c => c == '.') == 2 && head.All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            enhanced = head;
        }

        var text = lines.Select(l => enhanced is not null && l.StartsWith(enhanced, StringComparison.Ordinal) ? l[enhanced.Length..].TrimStart() : l).ToList();
        return new LmtpReply(code, enhanced ?? DefaultEnhanced(code), text.Count == 0 ? [string.Empty] : text);
    }

    private static string DefaultEnhanced(int code) => code switch
    {
        >= 500 => "5.0.0",
        >= 400 => "4.0.0",
        _ => "2.0.0",
    };

    // A reply line must not break the protocol: no CR, LF or other controls from a peer's text.
    private static string Sanitize(string text) => text.Any(char.IsControl) ? new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray()) : text;
}
