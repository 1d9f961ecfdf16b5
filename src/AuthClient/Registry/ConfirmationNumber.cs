using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MailFilter.Crypto.Envelope;

namespace MailFilter.AuthClient.Registry;

/// <summary>
/// The confirmation number of a registered message (docs/registry.md §1):
/// <c>YYYYMMDDHH</c> (UTC hour of registration) ‖ the sender's canonical address, percent-encoded ‖ 16 random
/// characters of <see cref="Alphabet"/>. One spelling per (time, address, random), so numbers compare byte for byte.
/// </summary>
public sealed record ConfirmationNumber
{
    /// <summary>Crockford base32, lower case (no i, l, o, u).</summary>
    public const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    public const int TimeLength = 10;
    public const int RandomLength = 16;

    /// <summary>Shortest address (a@b) plus the fixed parts.</summary>
    public const int MinLength = TimeLength + 3 + RandomLength;

    /// <summary>Longest: a 255-byte address with every byte escaped.</summary>
    public const int MaxLength = TimeLength + (255 * 3) + RandomLength;

    private const string Unescaped = "!#$&'*+-./=?^_`{|}~@";

    private ConfirmationNumber(DateTimeOffset hour, string address, string random, string text)
    {
        Hour = hour;
        Address = address;
        Random = random;
        Text = text;
    }

    /// <summary>The UTC hour of registration (minutes and seconds zero).</summary>
    public DateTimeOffset Hour { get; }

    /// <summary>The sender's canonical address.</summary>
    public string Address { get; }

    public string Random { get; }

    /// <summary>The header value.</summary>
    public string Text { get; }

    /// <summary>A new number for <paramref name="canonicalAddress"/> registered at <paramref name="now"/>.</summary>
    public static ConfirmationNumber Create(DateTimeOffset now, string canonicalAddress) =>
        Create(now, canonicalAddress, RandomPart());

    /// <summary>The number with a given random part (test vectors).</summary>
    public static ConfirmationNumber Create(DateTimeOffset now, string canonicalAddress, string random)
    {
        if (!AddressCanonicalizer.IsCanonical(canonicalAddress))
        {
            throw new ArgumentException("not a canonical address", nameof(canonicalAddress));
        }

        if (random.Length != RandomLength || !random.All(c => Alphabet.Contains(c, StringComparison.Ordinal)))
        {
            throw new ArgumentException($"the random part is {RandomLength} characters of {Alphabet}", nameof(random));
        }

        var utc = now.ToUniversalTime();
        var hour = new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
        var text = hour.ToString("yyyyMMddHH", CultureInfo.InvariantCulture) + Encode(canonicalAddress) + random;
        return new ConfirmationNumber(hour, canonicalAddress, random, text);
    }

    /// <summary>Parses a header value (surrounding white space allowed); false for anything not exactly as §1 writes it.</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out ConfirmationNumber? number)
    {
        number = null;
        var text = value?.Trim(' ', '\t', '\r', '\n');
        if (text is null || text.Length is < MinLength or > MaxLength)
        {
            return false;
        }

        if (!DateTime.TryParseExact(text[..TimeLength], "yyyyMMddHH", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var hour))
        {
            return false;
        }

        var random = text[^RandomLength..];
        if (!random.All(c => Alphabet.Contains(c, StringComparison.Ordinal)) || !TryDecode(text[TimeLength..^RandomLength], out var address)
            || !AddressCanonicalizer.IsCanonical(address))
        {
            return false;
        }

        number = new ConfirmationNumber(new DateTimeOffset(hour, TimeSpan.Zero), address, random, text);
        return true;
    }

    public override string ToString() => Text;

    /// <summary>Percent-encodes the UTF-8 bytes outside ALPHA / DIGIT / <see cref="Unescaped"/>.</summary>
    public static string Encode(string address)
    {
        var sb = new StringBuilder(address.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(address))
        {
            if (IsPlain(b))
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    private static bool TryDecode(string encoded, [NotNullWhen(true)] out string? address)
    {
        address = null;
        var bytes = new List<byte>(encoded.Length);
        for (int i = 0; i < encoded.Length; i++)
        {
            char c = encoded[i];
            if (c == '%')
            {
                // Upper-case hex only, and only for bytes that must be escaped: one spelling per address.
                if (i + 2 >= encoded.Length || !IsUpperHex(encoded[i + 1]) || !IsUpperHex(encoded[i + 2]))
                {
                    return false;
                }

                byte b = byte.Parse(encoded.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
                if (IsPlain(b))
                {
                    return false;
                }

                bytes.Add(b);
                i += 2;
            }
            else if (c < 128 && IsPlain((byte)c))
            {
                bytes.Add((byte)c);
            }
            else
            {
                return false;
            }
        }

        try
        {
            address = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.ToArray());
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static bool IsPlain(byte b) => b < 128 && (char.IsAsciiLetterOrDigit((char)b) || Unescaped.Contains((char)b, StringComparison.Ordinal));

    private static bool IsUpperHex(char c) => c is (>= '0' and <= '9') or (>= 'A' and <= 'F');

    private static string RandomPart() => RandomNumberGenerator.GetString(Alphabet, RandomLength);
}
