using System.Security.Cryptography;
using MailFilter.Crypto.Codecs;
using MailFilter.Crypto.Envelope;

namespace MailFilter.Crypto.Signature;

/// <summary>
/// The <c>env=</c> tag (docs/signature-header.md §5): binds a signature to the SMTP envelope it was
/// sent with, so a signed message replayed to other recipients or from another return path fails.
/// Value: <c>salt from-digest rcpt-digest…</c>, each unpadded base64; digest = the first 12 bytes of
/// HMAC-SHA-256(key = salt, "mailfilter/v1 envelope" 0x00 role address), role 0x01 for MAIL FROM and
/// 0x02 for RCPT TO, addresses canonical. A receiver knows only its own recipients, so each recipient
/// is checked on its own; hashing keeps the recipient list out of clear text.
/// </summary>
internal static class EnvelopeBinding
{
    public const string TagName = "env";
    public const int SaltSize = 16;
    public const int DigestSize = 12;

    private const byte MailFromRole = 0x01;
    private const byte RecipientRole = 0x02;

    private static ReadOnlySpan<byte> DomainSeparator => "mailfilter/v1 envelope\0"u8;

    public static string Create(byte[] salt, string mailFrom, IEnumerable<string> recipients)
    {
        var digests = recipients
            .Select(r => Digest(salt, RecipientRole, Canonical(r) ?? throw new ArgumentException($"not a recipient address: {r}", nameof(recipients))))
            .Select(d => Base64NoPad.Encode(d))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (digests.Count == 0)
        {
            throw new ArgumentException("at least one envelope recipient", nameof(recipients));
        }

        var from = Canonical(mailFrom) ?? throw new ArgumentException("not a MAIL FROM address", nameof(mailFrom));
        return string.Join(' ', [Base64NoPad.Encode(salt), Base64NoPad.Encode(Digest(salt, MailFromRole, from)), .. digests]);
    }

    /// <summary>Checks a tag value against one delivery's MAIL FROM and recipient.</summary>
    public static SignatureHeaderError? Check(string value, string mailFrom, string recipient)
    {
        var tokens = value.Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        Span<byte> salt = stackalloc byte[SaltSize];
        if (tokens.Length < 3 || Base64NoPad.TryDecode(tokens[0], salt, out int n) != Base64Status.Ok || n != SaltSize)
        {
            return SignatureHeaderError.Malformed;
        }

        var from = Canonical(mailFrom);
        if (from is null || tokens[1] != Base64NoPad.Encode(Digest(salt, MailFromRole, from)))
        {
            return SignatureHeaderError.EnvelopeSenderMismatch;
        }

        var rcpt = Canonical(recipient);
        if (rcpt is null || Array.IndexOf(tokens, Base64NoPad.Encode(Digest(salt, RecipientRole, rcpt)), 2) < 0)
        {
            return SignatureHeaderError.EnvelopeRecipientMismatch;
        }

        return null;
    }

    // The null reverse-path (MAIL FROM:<>) binds as the empty string.
    private static string? Canonical(string address) =>
        address.Length == 0 || address == "<>" ? string.Empty
        : AddressCanonicalizer.TryCanonicalize(address.Trim('<', '>'), out var canonical) ? canonical : null;

    private static byte[] Digest(ReadOnlySpan<byte> salt, byte role, string canonicalAddress)
    {
        var address = AddressCanonicalizer.ToUtf8(canonicalAddress);
        var input = new byte[DomainSeparator.Length + 1 + address.Length];
        DomainSeparator.CopyTo(input);
        input[DomainSeparator.Length] = role;
        address.CopyTo(input, DomainSeparator.Length + 1);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(salt, input, mac);
        return mac[..DigestSize].ToArray();
    }
}
