using System.Globalization;
using System.Text;
using MailFilter.AuthClient.Protocol;
using MailFilter.AuthClient.Registry;
using MailFilter.AuthServer.Endpoints;
using MailFilter.Crypto.Envelope;
using MailFilter.Mime;

namespace MailFilter.AuthServer.Registry;

/// <summary>
/// Checks the five values of a registry query (docs/registry.md §4.2) with the limits of the contract; every refusal is a
/// 400 whose message names the field. Sans-I/O: strings in, a <see cref="ValidQuery"/> or an exception out.
/// </summary>
public static class RegistryQueryParser
{
    public const int MaxAddressBytes = 255;
    public const int MaxDateLength = 64;

    private static readonly string[] s_rfc3339 = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"];

    public static ValidQuery Parse(RegistryQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sender = Address("sender", query.Sender);
        var recipient = Address("recipient", query.Recipient);
        var date = Date(Field("date", query.Date, MaxDateLength));
        var numberText = Field("confirmationNo", query.ConfirmationNo, ConfirmationNumber.MaxLength);
        if (!ConfirmationNumber.TryParse(numberText, out var number))
        {
            throw ApiException.BadRequest("confirmationNo: not a confirmation number (YYYYMMDDHH, the address, 16 random characters; docs/registry.md §1)");
        }

        var signatureText = Field("signature", query.Signature, RegistrySignature.Length);
        if (!RegistrySignature.TryNormalize(signatureText, out var signature))
        {
            throw ApiException.BadRequest("signature: not 128 hexadecimal characters");
        }

        return new ValidQuery(sender, recipient, date, number, signature);
    }

    /// <summary>A date as RFC 3339 or an RFC 5322 date-time, in UTC truncated to the second.</summary>
    public static DateTimeOffset Date(string text)
    {
        if (!DateTimeOffset.TryParseExact(text, s_rfc3339, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            && !DateParser.TryParse(text, out date))
        {
            throw ApiException.BadRequest("date: neither RFC 3339 (2026-11-21T09:52:01Z) nor an RFC 5322 date (Sat, 21 Nov 2026 09:52:01 +0000)");
        }

        var utc = date.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }

    public static string Address(string name, string? value)
    {
        var text = Field(name, value, MaxAddressBytes);
        if (!AddressCanonicalizer.TryCanonicalize(text, out var canonical))
        {
            throw ApiException.BadRequest($"{name}: not a mailbox address (local@domain)");
        }

        return canonical;
    }

    /// <summary>A required text field: present, at most <paramref name="max"/> UTF-8 bytes, no replacement characters (bytes that were not UTF-8) and no control characters.</summary>
    public static string Field(string name, string? value, int max)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            throw ApiException.BadRequest($"{name}: missing");
        }

        if (Encoding.UTF8.GetByteCount(text) > max)
        {
            throw ApiException.BadRequest($"{name}: longer than {max.ToString(CultureInfo.InvariantCulture)} bytes");
        }

        CheckText(name, text);
        return text;
    }

    /// <summary>Optional display text (company, name): at most 200 characters, printable.</summary>
    public static string? Display(string name, string? value)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (text.Length > 200)
        {
            throw ApiException.BadRequest($"{name}: longer than 200 characters");
        }

        CheckText(name, text);
        return text;
    }

    private static void CheckText(string name, string text)
    {
        if (text.Contains('\uFFFD', StringComparison.Ordinal))
        {
            throw ApiException.BadRequest($"{name}: not UTF-8");
        }

        if (text.Any(char.IsControl))
        {
            throw ApiException.BadRequest($"{name}: contains control characters");
        }
    }
}
