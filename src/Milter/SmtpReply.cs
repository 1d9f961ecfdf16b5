using System.Globalization;
using System.Text;

namespace MailFilter.Milter;

/// <summary>
/// An SMTP reply a filter sends with SMFIR_REPLYCODE, validated the way Postfix checks it (reference
/// §2.4): a 4xx or 5xx code, an optional enhanced status code whose class equals the code's first digit,
/// one or more lines of printable ASCII. <see cref="ToWireText"/> doubles every <c>%</c>, because
/// Postfix (like Sendmail) turns <c>%%</c> into <c>%</c> and drops a lone <c>%</c>.
/// </summary>
public sealed class SmtpReply
{
    /// <summary>RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets including CRLF.</summary>
    public const int MaxLineLength = 510;

    private SmtpReply(int code, string? enhancedStatus, string[] lines)
    {
        Code = code;
        EnhancedStatus = enhancedStatus;
        Lines = lines;
    }

    public int Code { get; }

    public string? EnhancedStatus { get; }

    public IReadOnlyList<string> Lines { get; }

    public bool IsPermanent => Code >= 500;

    /// <summary>Builds a reply; throws <see cref="ArgumentException"/> for anything Postfix would refuse.</summary>
    public static SmtpReply Create(int code, string? enhancedStatus, params string[] lines)
    {
        if (code is < 400 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "a milter reply code must be 4xx or 5xx");
        }

        if (enhancedStatus is not null && !IsValidEnhancedStatus(enhancedStatus, code / 100))
        {
            throw new ArgumentException(
                $"enhanced status \"{enhancedStatus}\" must be class.subject.detail with class {code / 100}", nameof(enhancedStatus));
        }

        if (lines.Length == 0)
        {
            lines = [string.Empty];
        }

        foreach (var line in lines)
        {
            ArgumentNullException.ThrowIfNull(line, nameof(lines));
            foreach (char c in line)
            {
                if (c is < ' ' or > '~')
                {
                    throw new ArgumentException("reply text must be printable ASCII without line breaks", nameof(lines));
                }
            }

            int length = 4 + (enhancedStatus is null ? 0 : enhancedStatus.Length + 1) + line.Length;
            if (length > MaxLineLength)
            {
                throw new ArgumentException($"reply line of {length} characters is over {MaxLineLength}", nameof(lines));
            }
        }

        return new SmtpReply(code, enhancedStatus, [.. lines]);
    }

    /// <summary>Parses a reply as written on the SMTP wire ("550 5.7.1 text", multi-line with CRLF).
    /// Used by the client side and by configuration.</summary>
    public static bool TryParse(string text, out SmtpReply? reply)
    {
        reply = null;
        var rawLines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        int code = 0;
        string? enhanced = null;
        var lines = new List<string>(rawLines.Length);
        for (int i = 0; i < rawLines.Length; i++)
        {
            var raw = rawLines[i];
            if (raw.Length < 3 || !int.TryParse(raw.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out int c))
            {
                return false;
            }

            if (i == 0)
            {
                code = c;
            }

            if (raw.Length > 3 && raw[3] != ' ' && raw[3] != '-')
            {
                return false;
            }

            string rest = raw.Length > 4 ? raw[4..] : string.Empty;
            int space = rest.IndexOf(' ', StringComparison.Ordinal);
            string first = space < 0 ? rest : rest[..space];
            if (first.Length > 0 && char.IsAsciiDigit(first[0]) && IsValidEnhancedStatus(first, code / 100))
            {
                enhanced ??= first;
                rest = space < 0 ? string.Empty : rest[(space + 1)..];
            }

            lines.Add(rest.Replace("%%", "%", StringComparison.Ordinal));
        }

        try
        {
            reply = Create(code, enhanced, [.. lines]);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The REPLYCODE payload text: every line with the same code (and enhanced code), joined by
    /// CRLF, <c>%</c> doubled.</summary>
    public string ToWireText()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < Lines.Count; i++)
        {
            if (i > 0)
            {
                sb.Append("\r\n");
            }

            sb.Append(Code.ToString(CultureInfo.InvariantCulture));
            sb.Append(i == Lines.Count - 1 ? ' ' : '-');
            if (EnhancedStatus is not null)
            {
                sb.Append(EnhancedStatus).Append(' ');
            }

            sb.Append(Lines[i].Replace("%", "%%", StringComparison.Ordinal));
        }

        return sb.ToString();
    }

    public override string ToString()
    {
        var first = $"{Code} {(EnhancedStatus is null ? string.Empty : EnhancedStatus + " ")}{Lines[0]}";
        return Lines.Count == 1 ? first : first + " (+" + (Lines.Count - 1) + " lines)";
    }

    private static bool IsValidEnhancedStatus(string s, int expectedClass)
    {
        // RFC 3463: class "." subject "." detail; subject and detail 1-3 digits.
        var parts = s.Split('.');
        if (parts.Length != 3 || parts[0].Length != 1 || parts[0][0] - '0' != expectedClass)
        {
            return false;
        }

        return IsDigits(parts[1]) && IsDigits(parts[2]);

        static bool IsDigits(string p) => p.Length is >= 1 and <= 3 && p.All(char.IsAsciiDigit);
    }
}
