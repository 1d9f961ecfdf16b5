using System.Globalization;
using System.Text;

namespace MailFilter.Mime;

/// <summary>Writes parameters (RFC 2045 §5.1): tokens, quoted strings, or RFC 2231 encoding with continuations.</summary>
internal static class ParameterFormatter
{
    /// <summary>Formats a parameter for writing: token, quoted-string, or RFC 2231 encoding with continuations for non-ASCII or long values.</summary>
    public static void Format(MimeParameter p, List<string> pieces)
    {
        pieces.Clear();
        var value = p.Value;
        var ascii = !value.AsSpan().ContainsAnyExceptInRange((char)0x20, (char)0x7E);
        if (ascii && value.Length <= 60)
        {
            pieces.Add(p.Name + "=" + Quote(value));
            return;
        }

        if (ascii)
        {
            // RFC 2231 §3 continuations without encoding.
            var n = 0;
            for (var k = 0; k < value.Length; k += 60, n++)
            {
                var chunk = value.Substring(k, Math.Min(60, value.Length - k));
                pieces.Add(p.Name + "*" + n.ToString(CultureInfo.InvariantCulture) + "=" + Quote(chunk));
            }

            return;
        }

        // RFC 2231 §4: charset'language'percent-encoded UTF-8. A section never splits a character: some readers
        // decode each section on its own.
        var current = new StringBuilder("utf-8''");
        var section = 0;
        Span<byte> runeBytes = stackalloc byte[4];
        foreach (var rune in value.EnumerateRunes())
        {
            var n = rune.EncodeToUtf8(runeBytes);
            var enc = new StringBuilder();
            for (var k = 0; k < n; k++)
            {
                var b = runeBytes[k];
                enc.Append(IsAttributeChar(b) ? ((char)b).ToString() : "%" + b.ToString("X2", CultureInfo.InvariantCulture));
            }

            if (current.Length + enc.Length > 60)
            {
                pieces.Add(p.Name + "*" + section.ToString(CultureInfo.InvariantCulture) + "*=" + current);
                section++;
                current.Clear();
            }

            current.Append(enc);
        }

        pieces.Add(section == 0
            ? p.Name + "*=" + current
            : p.Name + "*" + section.ToString(CultureInfo.InvariantCulture) + "*=" + current);
    }

    /// <summary>RFC 2231 §7 attribute-char: token characters except '*', '\'' and '%'.</summary>
    private static bool IsAttributeChar(byte b) => b < 0x80 && Rfc822Lexer.IsTokenChar((char)b) && b != '*' && b != '\'' && b != '%';

    /// <summary>A token when possible, else a quoted-string with '\\' and '"' escaped (RFC 2045 §5.1).</summary>
    public static string Quote(string value)
    {
        if (value.Length > 0 && value.All(Rfc822Lexer.IsTokenChar))
        {
            return value;
        }

        return "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }
}
