using System.Globalization;

namespace MailFilter.Mime;

/// <summary>
/// Parses Date fields (RFC 5322 §3.3) and the obsolete and broken forms mail carries (§4.3): two- and three-digit
/// years, named zones (UT, GMT, EST ... PDT; military letters read as -0000), comments, a missing day name, seconds
/// or zone, full month names, asctime order ("Thu Jan 10 13:59:53 2002").
/// </summary>
public static class DateParser
{
    private static readonly string[] s_months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    private static readonly Dictionary<string, int> s_zones = new(StringComparer.OrdinalIgnoreCase)
    {
        ["UT"] = 0, ["UTC"] = 0, ["GMT"] = 0, ["Z"] = 0,
        ["EST"] = -5 * 60, ["EDT"] = -4 * 60, ["CST"] = -6 * 60, ["CDT"] = -5 * 60,
        ["MST"] = -7 * 60, ["MDT"] = -6 * 60, ["PST"] = -8 * 60, ["PDT"] = -7 * 60,
        ["CET"] = 60, ["CEST"] = 120, ["MET"] = 60, ["MEST"] = 120, ["BST"] = 60, ["JST"] = 9 * 60, ["KST"] = 9 * 60,
        ["IST"] = 330, ["EET"] = 120, ["EEST"] = 180, ["WET"] = 0, ["WEST"] = 60, ["HKT"] = 8 * 60, ["AEST"] = 600,
    };

    /// <summary>The RFC 5322 §3.3 form of <paramref name="value"/> in UTC, e.g. "Sat, 21 Nov 2026 10:00:00 +0000".</summary>
    public static string Format(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string value)
    {
        if (!TryParse(value, out var result))
        {
            throw new MimeFormatException(MimeFormatError.InvalidDate, "Not an RFC 5322 date-time.");
        }

        return result;
    }

    public static bool TryParse(string? value, out DateTimeOffset result)
    {
        result = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        int? day = null, month = null, year = null, hour = null, minute = null, second = null, zone = null;
        foreach (var raw in Tokens(value))
        {
            var token = raw.TrimEnd('.', ',');
            if (token.Length == 0)
            {
                continue;
            }

            if (token.Contains(':', StringComparison.Ordinal) && hour is null)
            {
                var parts = token.Split(':');
                if (parts.Length is < 2 or > 3 || !TryInt(parts[0], out var h) || !TryInt(parts[1], out var m))
                {
                    return false;
                }

                hour = h;
                minute = m;
                second = parts.Length == 3 && TryInt(parts[2], out var sec) ? sec : 0;
                continue;
            }

            if ((token[0] is '+' or '-') && token.Length == 5 && TryInt(token[1..], out var hhmm) && zone is null)
            {
                var minutes = (hhmm / 100 * 60) + (hhmm % 100);
                zone = token[0] == '-' ? -minutes : minutes;
                continue;
            }

            if (char.IsAsciiDigit(token[0]))
            {
                if (!TryInt(token, out var n))
                {
                    continue;
                }

                if (day is null && token.Length <= 2 && n is >= 1 and <= 31 && (year is null || month is not null))
                {
                    day = n;
                }
                else if (year is null)
                {
                    // RFC 5322 §4.3: two digits below 50 are 20xx, otherwise 19xx; three digits add 1900.
                    year = token.Length switch
                    {
                        <= 2 => n < 50 ? 2000 + n : 1900 + n,
                        3 => 1900 + n,
                        _ => n,
                    };
                }

                continue;
            }

            if (MonthOf(token) is { } mo && month is null)
            {
                month = mo;
                continue;
            }

            if (zone is null && s_zones.TryGetValue(token, out var z))
            {
                zone = z;
                continue;
            }

            if (zone is null && token.Length == 1 && char.IsAsciiLetter(token[0]))
            {
                zone = 0; // RFC 5322 §4.3: military zones are unreliable, read as -0000
            }
        }

        if (day is null || month is null || year is null)
        {
            return false;
        }

        try
        {
            var dt = new DateTime(year.Value, month.Value, day.Value, hour ?? 0, minute ?? 0, Math.Min(second ?? 0, 59), DateTimeKind.Unspecified);
            result = new DateTimeOffset(dt, TimeSpan.FromMinutes(Math.Clamp(zone ?? 0, -14 * 60, 14 * 60)));
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static IEnumerable<string> Tokens(string value)
    {
        var i = 0;
        while (i < value.Length)
        {
            var c = value[i];
            if (c == '(')
            {
                Rfc822Lexer.SkipComment(value, ref i);
                continue;
            }

            if (Rfc822Lexer.IsWhite(c) || c == ',')
            {
                i++;
                continue;
            }

            var start = i;
            while (i < value.Length && !Rfc822Lexer.IsWhite(value[i]) && value[i] != ',' && value[i] != '(')
            {
                i++;
            }

            var token = value[start..i];

            // "10-Jan-2002" and "2002/01/10"-style dashes between day, month and year.
            if (token.Count(ch => ch == '-') == 2 && !token.StartsWith('-'))
            {
                foreach (var part in token.Split('-'))
                {
                    yield return part;
                }

                continue;
            }

            yield return token;
        }
    }

    private static int? MonthOf(string token)
    {
        if (token.Length < 3)
        {
            return null;
        }

        for (var m = 0; m < 12; m++)
        {
            if (token.StartsWith(s_months[m], StringComparison.OrdinalIgnoreCase))
            {
                return m + 1;
            }
        }

        return null;
    }

    private static bool TryInt(string s, out int value) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
