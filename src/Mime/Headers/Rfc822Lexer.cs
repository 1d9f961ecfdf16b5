using System.Text;

namespace MailFilter.Mime;

/// <summary>Low-level scanning of structured header text (RFC 5322 §3.2, RFC 2045 §5.1), lenient where mail is.</summary>
internal static class Rfc822Lexer
{
    /// <summary>RFC 2045 §5.1 tspecials.</summary>
    private const string TSpecials = "()<>@,;:\\\"/[]?=";

    public static bool IsWhite(char c) => c is ' ' or '\t' or '\r' or '\n';

    public static bool IsTokenChar(char c) => c > ' ' && c != 0x7F && !TSpecials.Contains(c, StringComparison.Ordinal);

    /// <summary>RFC 5322 §3.2.3 atext, plus 8-bit characters (RFC 6532 §3.2).</summary>
    public static bool IsAtext(char c) =>
        c > 0x7F || char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~".Contains(c, StringComparison.Ordinal);

    /// <summary>Skips folding whitespace and comments (RFC 5322 §3.2.2 CFWS). Returns false on an unterminated comment (skipped to the end).</summary>
    public static bool SkipCfws(string s, ref int i)
    {
        while (i < s.Length)
        {
            var c = s[i];
            if (IsWhite(c))
            {
                i++;
            }
            else if (c == '(')
            {
                if (!SkipComment(s, ref i))
                {
                    return false;
                }
            }
            else
            {
                break;
            }
        }

        return true;
    }

    /// <summary>Skips a comment starting at s[i] == '(' (nesting and quoted-pairs allowed).</summary>
    public static bool SkipComment(string s, ref int i)
    {
        var depth = 0;
        while (i < s.Length)
        {
            var c = s[i++];
            if (c == '\\' && i < s.Length)
            {
                i++;
            }
            else if (c == '(')
            {
                depth++;
            }
            else if (c == ')' && --depth == 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads the comment at s[i] == '(' and returns its text without the parentheses.</summary>
    public static string ReadComment(string s, ref int i)
    {
        var start = i + 1;
        SkipComment(s, ref i);
        var end = i > start && i <= s.Length && s[i - 1] == ')' ? i - 1 : i;
        return end > start ? s[start..end] : string.Empty;
    }

    /// <summary>Reads a quoted-string at s[i] == '"' (RFC 5322 §3.2.4), removing quoted-pair escapes. An unterminated string runs to the end.</summary>
    public static string ReadQuoted(string s, ref int i)
    {
        var sb = new StringBuilder();
        i++;
        while (i < s.Length)
        {
            var c = s[i++];
            if (c == '"')
            {
                return sb.ToString();
            }

            if (c == '\\' && i < s.Length)
            {
                c = s[i++];
            }

            if (c is '\r' or '\n')
            {
                continue; // folding inside a quoted string (RFC 5322 §3.2.4 FWS)
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    /// <summary>Reads an RFC 2045 token (may be empty).</summary>
    public static string ReadToken(string s, ref int i)
    {
        var start = i;
        while (i < s.Length && IsTokenChar(s[i]))
        {
            i++;
        }

        return s[start..i];
    }
}
