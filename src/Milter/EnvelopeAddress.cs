namespace MailFilter.Milter;

/// <summary>
/// A MAIL FROM or RCPT TO address as the MTA passed it: <see cref="Raw"/> exactly (with <c>&lt;&gt;</c> in
/// the smtpd path, bare in the sendmail path) and <see cref="Address"/> without brackets or source route
/// ("" for the null sender), plus the ESMTP parameters.
/// </summary>
public sealed class EnvelopeAddress
{
    public EnvelopeAddress(byte[] raw, IReadOnlyList<string> arguments)
    {
        RawBytes = raw;
        Raw = Wire.PayloadReader.Decode(raw);
        Address = Strip(Raw);
        Arguments = arguments;
    }

    public EnvelopeAddress(string address, IReadOnlyList<string>? arguments = null)
        : this(System.Text.Encoding.UTF8.GetBytes(address), arguments ?? [])
    {
    }

    /// <summary>The address string as the MTA sent it.</summary>
    public string Raw { get; }

    /// <summary>The exact bytes, for DELRCPT: Postfix matches the recipient as the milter saw it.</summary>
    public byte[] RawBytes { get; }

    /// <summary>The addr-spec: no angle brackets, no source route; "" for the null sender.</summary>
    public string Address { get; }

    /// <summary>ESMTP parameters (<c>SIZE=123</c>, <c>BODY=8BITMIME</c>, <c>NOTIFY=NEVER</c>, ...).</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>The domain part, lower-cased, or "" when there is none.</summary>
    public string Domain
    {
        get
        {
            int at = Address.LastIndexOf('@');
            return at < 0 ? string.Empty : Address[(at + 1)..].ToLowerInvariant();
        }
    }

    public override string ToString() => "<" + Address + ">";

    private static string Strip(string raw)
    {
        var s = raw.AsSpan().Trim();
        if (s.Length >= 2 && s[0] == '<' && s[^1] == '>')
        {
            s = s[1..^1];
        }

        // RFC 5321 §4.1.2 obsolete source route: "@a,@b:user@host".
        if (s.Length > 0 && s[0] == '@')
        {
            int colon = s.IndexOf(':');
            if (colon >= 0)
            {
                s = s[(colon + 1)..];
            }
        }

        return s.ToString();
    }
}
