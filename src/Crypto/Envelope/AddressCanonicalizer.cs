using System.Globalization;
using System.Text;

namespace MailFilter.Crypto.Envelope;

/// <summary>
/// The canonical form of an addr-spec used in manifests and envelope bindings (docs/envelope.md §4):
/// the local part byte-exact, the domain lower-cased and converted to IDNA A-labels, at most 255
/// bytes of UTF-8. Two spellings of one mailbox that differ only in the domain's case or script
/// therefore compare equal; local parts are never folded (RFC 5321 §2.4: they are case-sensitive).
/// </summary>
public static class AddressCanonicalizer
{
    /// <summary>Longest canonical address, in UTF-8 bytes (the manifest's u8 length prefix).</summary>
    public const int MaxLength = 255;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Returns the canonical form of <paramref name="address"/>; throws <see cref="FormatException"/> if it is not an addr-spec.</summary>
    public static string Canonicalize(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return TryCanonicalize(address, out var canonical) ? canonical : throw new FormatException("not a mailbox address (local@domain)");
    }

    public static bool TryCanonicalize(string address, out string canonical)
    {
        canonical = string.Empty;
        int at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1)
        {
            return false;
        }

        var local = address[..at];
        foreach (char c in local)
        {
            // No controls and no DEL; lone surrogates fail the strict UTF-8 count below.
            if (c < 0x20 || c == 0x7F)
            {
                return false;
            }
        }

        string domain;
        try
        {
            // Lower-case first: IdnMapping keeps the case of non-ASCII letters it punycodes. A new
            // mapping per call: instances are not documented thread-safe, and they are cheap.
            domain = new IdnMapping().GetAscii(address[(at + 1)..].ToLowerInvariant()).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return false;
        }

        foreach (char c in domain)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_'))
            {
                return false;
            }
        }

        var result = local + "@" + domain;
        try
        {
            if (s_strictUtf8.GetByteCount(result) > MaxLength)
            {
                return false;
            }
        }
        catch (EncoderFallbackException)
        {
            return false;
        }

        canonical = result;
        return true;
    }

    /// <summary>True if <paramref name="address"/> is already canonical.</summary>
    public static bool IsCanonical(string address) =>
        TryCanonicalize(address, out var canonical) && string.Equals(canonical, address, StringComparison.Ordinal);

    internal static byte[] ToUtf8(string canonical) => s_strictUtf8.GetBytes(canonical);

    internal static bool TryFromUtf8(ReadOnlySpan<byte> bytes, out string address)
    {
        try
        {
            address = s_strictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            address = string.Empty;
            return false;
        }
    }
}
