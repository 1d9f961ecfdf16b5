using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Signature;
using MailFilter.Mime;

namespace MailFilter.Messages;

/// <summary>What the inbound checks need of a parsed message: the header fields as the crypto layer reads them, the
/// body's offset, and the From: author.</summary>
internal static class MessageLayout
{
    /// <summary>Top-level headers and the carrier's two parts are all the inbound path reads: nested structure stays opaque.</summary>
    public static MimeOptions HeaderOptions { get; } = new() { MaxDepth = 1 };

    /// <summary>The fields of the top-level header block, raw (RFC 5322 §2.2), for signature verification.</summary>
    public static List<HeaderField> HeaderFields(MimeMessage message) =>
        message.Headers.Where(h => !h.IsMalformed).Select(h => new HeaderField(h.Name, h.RawValue.ToArray())).ToList();

    /// <summary>
    /// Where the body starts in <paramref name="source"/>: after the header fields and the empty line (CRLF, or LF in
    /// a file that stores LF). A header block that ended at a non-field line has no separator: the body starts there.
    /// </summary>
    public static long BodyOffset(MimeMessage message, Stream source)
    {
        long offset = message.Root.Offset;
        foreach (var h in message.Headers)
        {
            offset += h.RawBytes.Length;
        }

        Span<byte> separator = stackalloc byte[2];
        source.Position = offset;
        int n = source.ReadAtLeast(separator, 2, throwOnEndOfStream: false);
        if (n >= 1 && separator[0] == (byte)'\n')
        {
            return offset + 1;
        }

        return n == 2 && separator[0] == (byte)'\r' && separator[1] == (byte)'\n' ? offset + 2 : offset;
    }

    /// <summary>The author: the one mailbox of the one From: field, canonical; null for none, several, a group, or an address that does not canonicalize.</summary>
    public static string? SingleFrom(MimeMessage message)
    {
        if (message.Headers.FindAll("From").Count() != 1 || message.From is not [MailboxAddress mailbox])
        {
            return null;
        }

        return AddressCanonicalizer.TryCanonicalize(mailbox.Address, out var canonical) ? canonical : null;
    }

    /// <summary>The domains of every From: mailbox (lower case), for "does this claim one of our senders".</summary>
    public static IEnumerable<string> FromDomains(MimeMessage message) =>
        message.From.SelectMany(a => a is GroupAddress g ? g.Members : a is MailboxAddress m ? [m] : [])
            .Select(m => AddressCanonicalizer.TryCanonicalize(m.Address, out var c) ? c[(c.LastIndexOf('@') + 1)..] : m.Domain.ToLowerInvariant());
}
