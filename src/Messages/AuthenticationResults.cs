using System.Text;
using MailFilter.Mime;

namespace MailFilter.Messages;

/// <summary>
/// The Authentication-Results header field (RFC 8601) the delivery agent stamps: building our own, and removing
/// inbound ones that claim our authserv-id (RFC 8601 §5: a receiver MUST remove or rename such fields arriving
/// from outside, or a forger could pre-stamp a pass).
/// </summary>
public static class AuthenticationResults
{
    public const string FieldName = "Authentication-Results";

    /// <summary>The method name of our result (RFC 8601 §2.7: <c>method=result</c>).</summary>
    public const string Method = "mailfilter";

    /// <summary>The method of the registry check (docs/registry.md §5).</summary>
    public const string RegistryMethod = "mailfilter-registry";

    /// <summary>
    /// The field value: <c>authserv-id; mailfilter=pass|fail|none (reason) header.from=ADDR smtp.mailfrom=ADDR</c>.
    /// The reason goes in a comment (RFC 8601 §2.2 allows CFWS there); a null or empty address leaves its property out
    /// (the null reverse-path has no pvalue).
    /// </summary>
    public static string Format(string authservId, InboundVerdict verdict, string? reason, string? headerFrom, string? mailFrom)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(authservId);
        if (!IsToken(authservId))
        {
            throw new ArgumentException($"authserv-id \"{authservId}\" is not an RFC 2045 token", nameof(authservId));
        }

        var sb = new StringBuilder();
        sb.Append(authservId).Append("; ").Append(Method).Append('=').Append(verdict.ToString().ToLowerInvariant());
        if (!string.IsNullOrEmpty(reason))
        {
            sb.Append(" (").Append(EscapeComment(reason)).Append(')');
        }

        AppendProperty(sb, "header.from", headerFrom);
        AppendProperty(sb, "smtp.mailfrom", mailFrom);
        return sb.ToString();
    }

    /// <summary>
    /// Reads the authserv-id of a field value (RFC 8601 §2.2: <c>[CFWS] value</c>, a token or a quoted-string, ended
    /// by CFWS or ";"). False for a value that does not start with one.
    /// </summary>
    public static bool TryGetAuthServId(string value, out string authservId)
    {
        ArgumentNullException.ThrowIfNull(value);
        authservId = string.Empty;
        int i = SkipCfws(value, 0);
        if (i >= value.Length)
        {
            return false;
        }

        var sb = new StringBuilder();
        if (value[i] == '"')
        {
            for (i++; i < value.Length && value[i] != '"'; i++)
            {
                if (value[i] == '\\' && i + 1 < value.Length)
                {
                    i++;
                }

                sb.Append(value[i]);
            }

            if (i >= value.Length)
            {
                return false;
            }
        }
        else
        {
            for (; i < value.Length && IsTokenChar(value[i]); i++)
            {
                sb.Append(value[i]);
            }
        }

        authservId = sb.ToString();
        return authservId.Length > 0;
    }

    /// <summary>True when a field value claims <paramref name="authservId"/> (compared case-insensitively: it is a domain name, RFC 8601 §2.5).</summary>
    public static bool Claims(string value, string authservId) =>
        TryGetAuthServId(value, out var id) && string.Equals(id, authservId, StringComparison.OrdinalIgnoreCase);

    /// <summary>Removes every Authentication-Results field of <paramref name="headers"/> that claims <paramref name="authservId"/>; returns how many.</summary>
    public static int StripClaims(HeaderList headers, string authservId)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var ours = headers.FindAll(FieldName).Where(h => Claims(h.Value, authservId)).ToList();
        foreach (var h in ours)
        {
            headers.Remove(h);
        }

        return ours.Count;
    }

    /// <summary>Strips inbound claims of <paramref name="authservId"/>, then puts <paramref name="value"/> at the top (RFC 8601 §5: "prepended").</summary>
    public static void Stamp(HeaderList headers, string authservId, string value)
    {
        ArgumentNullException.ThrowIfNull(headers);
        StripClaims(headers, authservId);
        headers.Insert(0, new Header(FieldName, value));
    }

    private static void AppendProperty(StringBuilder sb, string name, string? address)
    {
        if (string.IsNullOrEmpty(address))
        {
            return;
        }

        // RFC 8601 §2.2 pvalue: [[local-part] "@"] domain-name, or a value (token / quoted-string).
        sb.Append(' ').Append(name).Append('=').Append(IsPlainAddress(address) ? address : Quote(address));
    }

    private static bool IsPlainAddress(string address)
    {
        int at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1)
        {
            return false;
        }

        // dot-atom local part (RFC 5322 §3.2.3) and a domain of letters, digits, '-', '.'; UTF-8 allowed (RFC 6532).
        const string atextSpecials = "!#$%&'*+-/=?^_`{|}~.";
        return address[..at].All(c => char.IsAsciiLetterOrDigit(c) || c > 127 || atextSpecials.Contains(c))
            && address[(at + 1)..].All(c => char.IsAsciiLetterOrDigit(c) || c > 127 || c is '-' or '.');
    }

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string EscapeComment(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (c is '(' or ')' or '\\')
            {
                sb.Append('\\');
            }

            sb.Append(c is '\r' or '\n' ? ' ' : c);
        }

        return sb.ToString();
    }

    private static int SkipCfws(string value, int i)
    {
        int depth = 0;
        for (; i < value.Length; i++)
        {
            char c = value[i];
            if (depth > 0)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '(')
                {
                    depth++;
                }
                else if (c == ')')
                {
                    depth--;
                }
            }
            else if (c == '(')
            {
                depth++;
            }
            else if (c is not (' ' or '\t' or '\r' or '\n'))
            {
                return i;
            }
        }

        return i;
    }

    private static bool IsToken(string text) => text.Length > 0 && text.All(IsTokenChar);

    // RFC 2045 §5.1 token: any US-ASCII except SPACE, CTLs and tspecials.
    private static bool IsTokenChar(char c) => c is > ' ' and < (char)127 && !"()<>@,;:\\\"/[]?=".Contains(c);
}
