namespace MailFilter.Filter.Delivery.Lmtp;

/// <summary>
/// The argument of MAIL and RCPT (RFC 5321 §4.1.2): <c>FROM:&lt;path&gt; params</c> / <c>TO:&lt;path&gt; params</c>.
/// A source route (<c>&lt;@a,@b:user@d&gt;</c>) is accepted and dropped (§4.1.1.3 says to ignore it); parameters are
/// <c>KEY[=VALUE]</c> separated by spaces (§4.1.2 esmtp-param).
/// </summary>
public sealed record LmtpPath(string Address, IReadOnlyList<KeyValuePair<string, string?>> Parameters)
{
    /// <summary>RFC 5321 §4.5.3.1.3: a path is at most 256 octets, brackets included.</summary>
    public const int MaxPathLength = 256;

    /// <summary>The value of a parameter (keywords compare case-insensitively), null when absent or valueless.</summary>
    public string? this[string keyword] => Parameters.FirstOrDefault(p => string.Equals(p.Key, keyword, StringComparison.OrdinalIgnoreCase)).Value;

    public bool Has(string keyword) => Parameters.Any(p => string.Equals(p.Key, keyword, StringComparison.OrdinalIgnoreCase));

    /// <summary>Parses <paramref name="argument"/> after <paramref name="prefix"/> ("FROM:" or "TO:"). The empty
    /// path &lt;&gt; is allowed only when <paramref name="allowEmpty"/> (the null reverse-path).</summary>
    public static bool TryParse(string argument, string prefix, bool allowEmpty, out LmtpPath? path, out string error)
    {
        path = null;
        if (!argument.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            error = $"syntax: expected {prefix}<address>";
            return false;
        }

        var rest = argument.AsSpan(prefix.Length).TrimStart(' ');
        if (rest.IsEmpty || rest[0] != '<')
        {
            error = "syntax: the address must be in angle brackets";
            return false;
        }

        int close = FindClose(rest);
        if (close < 0 || close + 1 > MaxPathLength)
        {
            error = close < 0 ? "syntax: unterminated address" : "path too long";
            return false;
        }

        var address = rest[1..close].ToString();
        if (address.StartsWith('@'))
        {
            int colon = address.IndexOf(':', StringComparison.Ordinal);
            address = colon < 0 ? string.Empty : address[(colon + 1)..];
        }

        if (address.Length == 0 ? !allowEmpty : !IsMailbox(address))
        {
            error = address.Length == 0 ? "a recipient address is required" : "bad address syntax";
            return false;
        }

        var parameters = new List<KeyValuePair<string, string?>>();
        var tail = rest[(close + 1)..];
        if (!tail.IsEmpty && tail[0] != ' ')
        {
            error = "syntax: a space must follow the address";
            return false;
        }

        foreach (var token in tail.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = token.IndexOf('=', StringComparison.Ordinal);
            string key = eq < 0 ? token : token[..eq];
            if (key.Length == 0 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                error = $"bad parameter \"{token}\"";
                return false;
            }

            parameters.Add(new(key, eq < 0 ? null : token[(eq + 1)..]));
        }

        path = new LmtpPath(address, parameters);
        error = string.Empty;
        return true;
    }

    /// <summary>The closing bracket, skipping a quoted local part (which may hold '&gt;').</summary>
    private static int FindClose(ReadOnlySpan<char> text)
    {
        bool quoted = false;
        for (int i = 1; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted && c == '\\')
            {
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c == '>')
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>local-part "@" domain (RFC 5321 §4.1.2), no controls; UTF-8 allowed (RFC 6531).</summary>
    private static bool IsMailbox(string address)
    {
        int at = address.LastIndexOf('@');
        return at > 0 && at < address.Length - 1 && !address.Any(c => c < ' ' || c == 127)
            && !address.AsSpan(at + 1).ContainsAny(" \"\\<>()[],;:");
    }
}
