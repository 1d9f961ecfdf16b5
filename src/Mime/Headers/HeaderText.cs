using System.Text;

namespace MailFilter.Mime;

/// <summary>Turns raw header bytes into text: ASCII, else UTF-8 (RFC 6532 §3.2), else Latin-1 (8-bit mail from before RFC 6532).</summary>
internal static class HeaderText
{
    private static readonly Encoding s_strictUtf8 = new UTF8Encoding(false, true);

    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (!bytes.ContainsAnyExceptInRange((byte)0, (byte)0x7F))
        {
            return Encoding.ASCII.GetString(bytes);
        }

        try
        {
            return s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(bytes);
        }
    }

    /// <summary>Reinterprets a Latin-1 string (one char per byte) as <see cref="Decode"/> would read the bytes.</summary>
    public static string FromLatin1(string latin1)
    {
        foreach (var c in latin1)
        {
            if (c > 0x7F)
            {
                return Decode(Encoding.Latin1.GetBytes(latin1));
            }
        }

        return latin1;
    }

    /// <summary>Unfolds a header value (RFC 5322 §2.2.3: remove CRLF before WSP) and trims surrounding whitespace.</summary>
    public static string Unfold(string value)
    {
        if (value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal))
        {
            var sb = new StringBuilder(value.Length);
            foreach (var c in value)
            {
                if (c is not '\r' and not '\n')
                {
                    sb.Append(c);
                }
            }

            value = sb.ToString();
        }

        return value.Trim(' ', '\t');
    }
}
