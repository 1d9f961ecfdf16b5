using System.Globalization;

namespace MailFilter.Hosting;

/// <summary>Parsers for the value syntaxes of mailfilter.conf: sizes (<c>64K</c>, <c>1M</c>, <c>1G</c>),
/// durations (<c>500ms</c>, <c>10s</c>, <c>5m</c>, <c>1h</c>; a bare number is seconds), booleans
/// (yes/no, true/false, on/off, 1/0) and octal modes (<c>0660</c>).</summary>
public static class ConfigValue
{
    public static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        text = text.Trim();
        if (text.Length == 0)
        {
            return false;
        }

        long factor = char.ToUpperInvariant(text[^1]) switch
        {
            'K' => 1024L,
            'M' => 1024L * 1024,
            'G' => 1024L * 1024 * 1024,
            _ => 1,
        };
        var digits = factor == 1 ? text : text[..^1];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n > long.MaxValue / factor)
        {
            return false;
        }

        bytes = n * factor;
        return true;
    }

    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        text = text.Trim().ToLowerInvariant();
        (string digits, double factor) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => (text[..^2], 0.001),
            _ when text.EndsWith('s') => (text[..^1], 1),
            _ when text.EndsWith('m') => (text[..^1], 60),
            _ when text.EndsWith('h') => (text[..^1], 3600),
            _ when text.EndsWith('d') => (text[..^1], 86400),
            _ => (text, 1),
        };
        if (!double.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double n) || n < 0)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(n * factor);
        return true;
    }

    public static bool TryParseBool(string text, out bool value)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "yes" or "true" or "on" or "1":
                value = true;
                return true;
            case "no" or "false" or "off" or "0":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>A file mode as it is written in the file and by chmod: four octal digits (<c>0640</c>).</summary>
    public static string FormatMode(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    public static bool TryParseMode(string text, out UnixFileMode mode)
    {
        mode = default;
        text = text.Trim();
        if (text.Length is < 3 or > 4 || text.Any(c => c is < '0' or > '7'))
        {
            return false;
        }

        mode = (UnixFileMode)Convert.ToInt32(text, 8);
        return true;
    }
}
