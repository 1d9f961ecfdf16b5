using System.Globalization;

namespace MailFilter.Mime;

/// <summary>
/// Parses "; name=value" lists (RFC 2045 §5.1) with RFC 2231 extended values and continuations. Lenient the way
/// real mail needs: a missing ';' between parameters, unquoted values with spaces, unterminated quotes. The input
/// is Latin-1 text (one char per raw byte), so 8-bit values survive and are decoded as UTF-8 or Latin-1 at the end.
/// </summary>
internal static class ParameterParser
{
    private readonly record struct RawParameter(string Name, string Value, int? Section, bool Encoded, int Order);

    public static ParameterList Parse(string s, int i)
    {
        var plain = new List<(string Name, string Value)>();
        var extended = new List<RawParameter>();
        var order = 0;
        while (i < s.Length)
        {
            Rfc822Lexer.SkipCfws(s, ref i);
            if (i >= s.Length)
            {
                break;
            }

            if (s[i] == ';')
            {
                i++;
                continue;
            }

            var nameStart = i;
            while (i < s.Length && s[i] != '=' && s[i] != ';' && !Rfc822Lexer.IsWhite(s[i]) && s[i] != '(')
            {
                i++;
            }

            var name = s[nameStart..i];
            Rfc822Lexer.SkipCfws(s, ref i);
            if (i >= s.Length || s[i] != '=' || name.Length == 0)
            {
                SkipToSemicolon(s, ref i);
                if (i == nameStart)
                {
                    i++; // a stray character that starts nothing
                }

                continue;
            }

            i++;
            while (i < s.Length && Rfc822Lexer.IsWhite(s[i]))
            {
                i++;
            }

            string value;
            if (i < s.Length && s[i] == '"')
            {
                value = Rfc822Lexer.ReadQuoted(s, ref i);
                SkipToSemicolon(s, ref i);
            }
            else
            {
                value = ReadBareValue(s, ref i);
            }

            AddRaw(name, value, plain, extended, ref order);
        }

        var list = new ParameterList();
        foreach (var (name, value) in plain)
        {
            list.Add(new MimeParameter(name, HeaderText.FromLatin1(value)) { Latin1Value = value });
        }

        foreach (var p in AssembleExtended(extended))
        {
            list.Add(p);
        }

        return list;
    }

    private static void AddRaw(string name, string value, List<(string, string)> plain, List<RawParameter> extended, ref int order)
    {
        // RFC 2231 §3 and §4: name*=charset'lang'%XX..., name*0=..., name*1*=...
        var star = name.IndexOf('*', StringComparison.Ordinal);
        if (star <= 0)
        {
            plain.Add((name, value));
            return;
        }

        var baseName = name[..star];
        var rest = name[(star + 1)..];
        var encoded = false;
        if (rest.EndsWith('*'))
        {
            encoded = true;
            rest = rest[..^1];
        }
        else if (rest.Length == 0)
        {
            encoded = true;
        }

        int? section = null;
        if (rest.Length > 0)
        {
            if (!int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 10_000)
            {
                plain.Add((name, value));
                return;
            }

            section = n;
        }

        extended.Add(new RawParameter(baseName, value, section, encoded, order++));
    }

    private static IEnumerable<MimeParameter> AssembleExtended(List<RawParameter> raws)
    {
        if (raws.Count == 0)
        {
            yield break;
        }

        var names = new List<string>();
        foreach (var r in raws)
        {
            if (!names.Exists(n => string.Equals(n, r.Name, StringComparison.OrdinalIgnoreCase)))
            {
                names.Add(r.Name);
            }
        }

        foreach (var name in names)
        {
            var pieces = raws.FindAll(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));
            pieces.Sort((a, b) => a.Section == b.Section ? a.Order.CompareTo(b.Order) : (a.Section ?? -1).CompareTo(b.Section ?? -1));
            string? charset = null;
            string? language = null;
            var bytes = new List<byte>();
            var anyEncoded = false;
            for (var k = 0; k < pieces.Count; k++)
            {
                var piece = pieces[k];
                var text = piece.Value;
                if (piece.Encoded)
                {
                    if (!anyEncoded && k == 0)
                    {
                        // RFC 2231 §4: only the first section carries charset'language'.
                        var t1 = text.IndexOf('\'', StringComparison.Ordinal);
                        var t2 = t1 >= 0 ? text.IndexOf('\'', t1 + 1) : -1;
                        if (t2 >= 0)
                        {
                            charset = text[..t1];
                            language = text[(t1 + 1)..t2];
                            text = text[(t2 + 1)..];
                        }
                    }

                    anyEncoded = true;
                    PercentDecode(text, bytes);
                }
                else
                {
                    foreach (var c in text)
                    {
                        bytes.Add((byte)c);
                    }
                }
            }

            var raw = bytes.ToArray();
            var encoding = Charsets.GetEncoding(charset);
            var value = encoding is not null ? Charsets.GetString(encoding, raw) : HeaderText.Decode(raw);
            yield return new MimeParameter(pieces[0].Name, value)
            {
                Charset = string.IsNullOrEmpty(charset) ? null : charset,
                Language = string.IsNullOrEmpty(language) ? null : language,
            };
        }
    }

    private static void PercentDecode(string text, List<byte> output)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '%' && i + 2 < text.Length && char.IsAsciiHexDigit(text[i + 1]) && char.IsAsciiHexDigit(text[i + 2]))
            {
                output.Add((byte)((HexValue(text[i + 1]) << 4) | HexValue(text[i + 2])));
                i += 2;
            }
            else
            {
                output.Add((byte)c);
            }
        }
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    /// <summary>An unquoted value: up to ';', trimmed; a following " name=value" without ';' starts a new parameter.</summary>
    private static string ReadBareValue(string s, ref int i)
    {
        var start = i;
        var end = i;
        while (i < s.Length && s[i] != ';')
        {
            if (Rfc822Lexer.IsWhite(s[i]))
            {
                var j = i;
                while (j < s.Length && Rfc822Lexer.IsWhite(s[j]))
                {
                    j++;
                }

                if (j < s.Length && (s[j] == '(' || LooksLikeParameter(s, j)))
                {
                    break; // a comment (RFC 2045 allows CFWS around tokens) or a parameter missing its ';'
                }

                i = j;
                continue;
            }

            i++;
            end = i;
        }

        return s[start..end];
    }

    private static bool LooksLikeParameter(string s, int j)
    {
        var k = j;
        while (k < s.Length && Rfc822Lexer.IsTokenChar(s[k]) || (k < s.Length && s[k] == '*'))
        {
            k++;
        }

        return k > j && k < s.Length && s[k] == '=';
    }

    private static void SkipToSemicolon(string s, ref int i)
    {
        var inQuote = false;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '"')
            {
                inQuote = !inQuote;
            }
            else if (c == '\\' && inQuote)
            {
                i++;
            }
            else if (c == ';' && !inQuote)
            {
                return;
            }

            i++;
        }
    }
}
