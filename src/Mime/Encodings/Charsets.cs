using System.Collections.Concurrent;
using System.Text;

namespace MailFilter.Mime;

/// <summary>
/// Charset names as mail uses them (RFC 2045 §5.1, RFC 2047 §2, RFC 2231 §4) mapped to .NET encodings, with
/// the code-pages provider registered so that ISO-2022-JP, GB2312/GBK, Big5, KOI8-R, Shift_JIS, EUC-KR and the
/// windows-125x family resolve.
/// </summary>
public static class Charsets
{
    private static readonly ConcurrentDictionary<string, Encoding?> s_cache = new(StringComparer.OrdinalIgnoreCase);

    // Names seen in real mail that .NET does not know under that spelling.
    private static readonly Dictionary<string, string> s_aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["utf8"] = "utf-8",
        ["utf-8-sig"] = "utf-8",
        ["latin1"] = "iso-8859-1",
        ["latin-1"] = "iso-8859-1",
        ["iso8859-1"] = "iso-8859-1",
        ["iso_8859-1"] = "iso-8859-1",
        ["ascii"] = "us-ascii",
        ["ansi_x3.4-1968"] = "us-ascii",
        ["x-sjis"] = "shift_jis",
        ["sjis"] = "shift_jis",
        ["x-gbk"] = "gbk",
        ["gb18030-2000"] = "gb18030",
        ["ks_c_5601"] = "ks_c_5601-1987",
        ["ks_c_5601-1989"] = "ks_c_5601-1987",
        ["euckr"] = "euc-kr",
        ["x-euc-jp"] = "euc-jp",
        ["x-mac-roman"] = "macintosh",
        ["macroman"] = "macintosh",
        ["x-user-defined"] = "windows-1252",
        ["x-iso-8859-1"] = "iso-8859-1",
    };

    static Charsets()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    /// <summary>Latin-1: maps every byte to the char of the same value, so bytes survive a trip through a string.</summary>
    public static Encoding Latin1 => Encoding.Latin1;

    /// <summary>Ensures the code-pages provider is registered (the static constructor does it).</summary>
    public static void EnsureRegistered()
    {
        _ = s_cache.Count;
    }

    /// <summary>The encoding for a charset name, or null when neither .NET nor the alias table knows it.</summary>
    public static Encoding? GetEncoding(string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset))
        {
            return null;
        }

        return s_cache.GetOrAdd(charset.Trim().Trim('"'), Lookup);
    }

    private static Encoding? Lookup(string name)
    {
        if (s_aliases.TryGetValue(name, out var alias))
        {
            name = alias;
        }

        // RFC 2184-style language suffix ("iso-8859-1*en") and "cp1252" / "windows1252" spellings.
        var star = name.IndexOf('*', StringComparison.Ordinal);
        if (star > 0)
        {
            name = name[..star];
        }

        if (TryGet(name) is { } direct)
        {
            return direct;
        }

        if ((name.StartsWith("cp", StringComparison.OrdinalIgnoreCase) || name.StartsWith("windows", StringComparison.OrdinalIgnoreCase))
            && int.TryParse(name.AsSpan(name.StartsWith("cp", StringComparison.OrdinalIgnoreCase) ? 2 : 7).TrimStart('-'), out var codePage))
        {
            try
            {
                return Encoding.GetEncoding(codePage, EncoderFallback.ReplacementFallback, new DecoderReplacementFallback("\uFFFD"));
            }
            catch (ArgumentException)
            {
                return null;
            }
            catch (NotSupportedException)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>
    /// Decodes bytes in a charset, the way Python's codecs do with errors="replace": an invalid sequence becomes
    /// U+FFFD. The 7-bit charsets (ISO-2022-*, RFC 1468 and RFC 1922) carry no byte above 0x7F, so each such byte is
    /// invalid there too, though .NET's decoders would read it as something.
    /// </summary>
    public static string GetString(Encoding encoding, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(encoding);
        if (!IsSevenBit(encoding) || !bytes.ContainsAnyExceptInRange((byte)0, (byte)0x7F))
        {
            return encoding.GetString(bytes);
        }

        var decoder = encoding.GetDecoder();
        var sb = new StringBuilder(bytes.Length);
        var chars = new char[encoding.GetMaxCharCount(bytes.Length) + 1];
        var start = 0;
        for (var i = 0; i <= bytes.Length; i++)
        {
            if (i < bytes.Length && bytes[i] < 0x80)
            {
                continue;
            }

            var n = decoder.GetChars(bytes[start..i], chars, flush: i == bytes.Length);
            sb.Append(chars, 0, n);
            if (i < bytes.Length)
            {
                sb.Append('\uFFFD');
            }

            start = i + 1;
        }

        return sb.ToString();
    }

    private static bool IsSevenBit(Encoding encoding) => encoding.CodePage is 20127 or (>= 50220 and <= 50229) or 52936;

    private static Encoding? TryGet(string name)
    {
        try
        {
            return Encoding.GetEncoding(name, EncoderFallback.ReplacementFallback, new DecoderReplacementFallback("\uFFFD"));
        }
        catch (ArgumentException)
        {
            return null;
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }
}
