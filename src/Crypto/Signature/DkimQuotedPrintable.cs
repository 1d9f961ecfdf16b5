using System.Text;

namespace MailFilter.Crypto.Signature;

/// <summary>
/// DKIM-Quoted-Printable (RFC 6376 §2.11), used for <c>i=</c>: bytes outside %x21-3A / %x3C / %x3E-7E
/// (so also ";" and "=") become <c>=XX</c>; white space is ignored when decoding.
/// </summary>
internal static class DkimQuotedPrintable
{
    public static string Encode(string text)
    {
        var builder = new StringBuilder();
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            if (b is >= 0x21 and <= 0x3A or 0x3C or >= 0x3E and <= 0x7E)
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('=').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    public static bool TryDecode(string text, out string decoded)
    {
        decoded = string.Empty;
        var bytes = new List<byte>(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                continue;
            }

            if (c == '=')
            {
                if (i + 2 >= text.Length || !char.IsAsciiHexDigitUpper(text[i + 1]) || !char.IsAsciiHexDigitUpper(text[i + 2]))
                {
                    return false;
                }

                bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
                continue;
            }

            if (c > 0x7E || c < 0x21 || c == ';')
            {
                return false;
            }

            bytes.Add((byte)c);
        }

        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.ToArray());
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
