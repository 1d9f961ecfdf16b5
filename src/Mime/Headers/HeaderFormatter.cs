using System.Text;

namespace MailFilter.Mime;

/// <summary>Folds a field for writing (RFC 5322 §2.2.3): break before whitespace so lines stay under 78 characters where possible, never over 998.</summary>
internal static class HeaderFormatter
{
    public const int PreferredLineLength = 78;
    public const int MaxLineLength = 998;

    /// <summary>Returns "Name: value\r\n" with CRLF + WSP inserted where lines would otherwise pass 78 characters.</summary>
    public static string Fold(string name, string value)
    {
        var sb = new StringBuilder(name.Length + value.Length + 8);
        sb.Append(name).Append(':');
        var lineLength = sb.Length;
        var i = 0;
        var first = true;
        while (i < value.Length)
        {
            // One unit = the whitespace before a word plus the word.
            var wsStart = i;
            while (i < value.Length && value[i] is ' ' or '\t')
            {
                i++;
            }

            var wordStart = i;
            while (i < value.Length && value[i] is not (' ' or '\t'))
            {
                i++;
            }

            var ws = value.AsSpan(wsStart, wordStart - wsStart);
            var word = value.AsSpan(wordStart, i - wordStart);
            if (first)
            {
                ws = " ";
                first = false;
            }
            else if (ws.IsEmpty)
            {
                ws = string.Empty;
            }

            var unitLength = ws.Length + Encoding.UTF8.GetByteCount(word);
            if (lineLength + unitLength > PreferredLineLength && lineLength > name.Length + 1 && !ws.IsEmpty)
            {
                sb.Append("\r\n");
                lineLength = 0;
            }

            if (lineLength + unitLength > MaxLineLength)
            {
                throw new MimeFormatException(MimeFormatError.InvalidHeader, $"The value of {name} has a word too long to fold under {MaxLineLength} characters.");
            }

            sb.Append(ws).Append(word);
            lineLength += unitLength;
        }

        if (first)
        {
            sb.Append(' ');
        }

        sb.Append("\r\n");
        return sb.ToString();
    }
}
