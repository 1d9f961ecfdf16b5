using System.Text;

namespace MailFilter.Mime;

/// <summary>
/// RFC 2047 encoded words: decoding for unstructured text and phrases (B and Q, any charset <see cref="Charsets"/>
/// knows), and encoding for headers the engine writes. Decoding is lenient the way mail needs: words not separated
/// by whitespace from text, spaces inside the encoded text, missing base64 padding, a multi-byte character split
/// across adjacent words (their bytes are joined before decoding, RFC 2047 §6.2 says whitespace between adjacent
/// words is dropped).
/// </summary>
public static class Rfc2047
{
    private const int MaxCharsetLength = 64;

    /// <summary>Decodes every encoded word in <paramref name="text"/>; anything that is not one is kept as is.</summary>
    public static string DecodeText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Contains("=?", StringComparison.Ordinal))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        var pending = new List<byte>();
        string? pendingCharset = null;
        var lastWasWord = false;
        var i = 0;
        while (i < text.Length)
        {
            var start = text.IndexOf("=?", i, StringComparison.Ordinal);
            if (start < 0)
            {
                Flush(sb, pending, ref pendingCharset);
                sb.Append(text, i, text.Length - i);
                break;
            }

            if (!TryParseWord(text, start, out var charset, out var encoding, out var payloadStart, out var payloadEnd))
            {
                Flush(sb, pending, ref pendingCharset);
                sb.Append(text, i, start + 2 - i);
                i = start + 2;
                lastWasWord = false;
                continue;
            }

            var between = text.AsSpan(i, start - i);
            if (!(lastWasWord && between.Trim(" \t\r\n").IsEmpty))
            {
                Flush(sb, pending, ref pendingCharset);
                sb.Append(between);
            }

            if (pendingCharset is not null && !string.Equals(pendingCharset, charset, StringComparison.OrdinalIgnoreCase))
            {
                Flush(sb, pending, ref pendingCharset);
            }

            pendingCharset = charset;
            var payload = text.AsSpan(payloadStart, payloadEnd - payloadStart);
            if (encoding is 'B' or 'b')
            {
                DecodeB(payload, pending);
            }
            else
            {
                DecodeQ(payload, pending);
            }

            lastWasWord = true;
            i = payloadEnd + 2;
        }

        Flush(sb, pending, ref pendingCharset);
        return sb.ToString();
    }

    private static bool TryParseWord(string text, int start, out string charset, out char encoding, out int payloadStart, out int payloadEnd)
    {
        charset = string.Empty;
        encoding = '\0';
        payloadStart = payloadEnd = 0;
        var q1 = text.IndexOf('?', start + 2);
        if (q1 < 0 || q1 == start + 2 || q1 - start - 2 > MaxCharsetLength || q1 + 2 >= text.Length || text[q1 + 2] != '?')
        {
            return false;
        }

        var name = text.AsSpan(start + 2, q1 - start - 2);
        if (name.ContainsAny(" \t\r\n\"=()"))
        {
            return false;
        }

        encoding = text[q1 + 1];
        if (encoding is not ('B' or 'b' or 'Q' or 'q'))
        {
            return false;
        }

        payloadStart = q1 + 3;
        var end = text.IndexOf("?=", payloadStart, StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        payloadEnd = end;
        var star = name.IndexOf('*'); // RFC 2231 §5 language suffix
        charset = (star >= 0 ? name[..star] : name).ToString();
        return true;
    }

    private static void Flush(StringBuilder sb, List<byte> pending, ref string? charset)
    {
        if (charset is null)
        {
            return;
        }

        var bytes = pending.ToArray();
        var encoding = Charsets.GetEncoding(charset);
        sb.Append(encoding is null ? HeaderText.Decode(bytes) : Charsets.GetString(encoding, bytes));
        pending.Clear();
        charset = null;
    }

    private static void DecodeB(ReadOnlySpan<char> payload, List<byte> output)
    {
        int bits = 0, value = 0;
        foreach (var c in payload)
        {
            var v = Base64Decoder.ValueOf(c);
            if (c == '=')
            {
                break;
            }

            if (v < 0)
            {
                continue;
            }

            value = (value << 6) | v;
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                output.Add((byte)(value >> bits));
                value &= (1 << bits) - 1;
            }
        }
    }

    private static void DecodeQ(ReadOnlySpan<char> payload, List<byte> output)
    {
        for (var i = 0; i < payload.Length; i++)
        {
            var c = payload[i];
            if (c == '_')
            {
                output.Add((byte)' '); // RFC 2047 §4.2 (2)
            }
            else if (c == '=' && i + 2 < payload.Length && char.IsAsciiHexDigit(payload[i + 1]) && char.IsAsciiHexDigit(payload[i + 2]))
            {
                output.Add((byte)((HexValue(payload[i + 1]) << 4) | HexValue(payload[i + 2])));
                i += 2;
            }
            else
            {
                output.Add((byte)c);
            }
        }
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    /// <summary>True when <paramref name="text"/> can not go into a header as is: non-ASCII, controls, or something a decoder would take for an encoded word.</summary>
    public static bool NeedsEncoding(string text) =>
        text.AsSpan().ContainsAnyExceptInRange((char)0x20, (char)0x7E) || text.Contains("=?", StringComparison.Ordinal);

    /// <summary>
    /// Encodes text as UTF-8 "B" encoded words (RFC 2047 §2: at most 75 characters each), separated by spaces so the
    /// header can be folded between them. Whitespace between adjacent words is dropped by decoders, so the text's own
    /// spaces travel inside the words. <paramref name="firstLineUsed"/> is how much of the first line the field name
    /// takes ("Subject: " is 9), so the first word still fits in 78 characters.
    /// </summary>
    public static string EncodeText(string text, int firstLineUsed = 0)
    {
        ArgumentNullException.ThrowIfNull(text);
        const int overhead = 12; // "=?utf-8?B?" + "?="
        var firstBytes = Math.Max(3, (Math.Min(75, 77 - firstLineUsed) - overhead) / 4 * 3);
        const int laterBytes = (72 - overhead) / 4 * 3; // a folded line is " " + word: 73 characters
        var sb = new StringBuilder();
        var chunk = new List<byte>(laterBytes);
        Span<byte> runeBytes = stackalloc byte[4];
        foreach (var rune in text.EnumerateRunes())
        {
            var n = rune.EncodeToUtf8(runeBytes);
            if (chunk.Count + n > (sb.Length == 0 ? firstBytes : laterBytes) && chunk.Count > 0)
            {
                AppendWord(sb, chunk);
            }

            for (var k = 0; k < n; k++)
            {
                chunk.Add(runeBytes[k]);
            }
        }

        if (chunk.Count > 0 || sb.Length == 0)
        {
            AppendWord(sb, chunk);
        }

        return sb.ToString();
    }

    private static void AppendWord(StringBuilder sb, List<byte> chunk)
    {
        if (sb.Length > 0)
        {
            sb.Append(' ');
        }

        sb.Append("=?utf-8?B?").Append(Convert.ToBase64String(chunk.ToArray())).Append("?=");
        chunk.Clear();
    }
}
