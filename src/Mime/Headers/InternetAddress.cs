namespace MailFilter.Mime;

/// <summary>An address in an address field (RFC 5322 §3.4): a <see cref="MailboxAddress"/> or a <see cref="GroupAddress"/>.</summary>
public abstract class InternetAddress
{
    private protected InternetAddress(string? name)
    {
        Name = string.IsNullOrWhiteSpace(name) ? null : name;
    }

    /// <summary>The display name (decoded), or null.</summary>
    public string? Name { get; }

    /// <summary>The address as it should be written in a header (RFC 2047 encoded where needed).</summary>
    public abstract string ToHeaderValue();

    /// <summary>Formats a display name as a phrase: atoms, a quoted string, or RFC 2047 encoded words (RFC 2047 §5 (3)).</summary>
    private protected static string FormatPhrase(string name)
    {
        if (Rfc2047.NeedsEncoding(name))
        {
            return Rfc2047.EncodeText(name);
        }

        foreach (var c in name)
        {
            if (!Rfc822Lexer.IsAtext(c) && c != ' ')
            {
                return "\"" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
            }
        }

        return name;
    }
}
