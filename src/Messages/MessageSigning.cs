using MailFilter.Crypto.Signature;
using MailFilter.Crypto.Signing;

namespace MailFilter.Messages;

/// <summary>
/// Signs a message held as header fields and a body stream with a MailFilter-Signature header
/// (docs/signature-header.md), for mailfilterd's milter (headers from Postfix, body spooled) and for tools.
/// </summary>
public static class MessageSigning
{
    /// <summary>
    /// The MailFilter-Signature field for the message made of <paramref name="headers"/> (top first, raw values
    /// in message form, without their final CRLF) and <paramref name="body"/> (read from its current position
    /// to the end). Prepend it to the message: <see cref="ToHeaderValue"/> gives the value for an API that adds
    /// the space after the colon itself.
    /// </summary>
    public static Task<HeaderField> SignAsync(
        IReadOnlyList<HeaderField> headers, Stream body, SignatureHeaderRequest request, IMessageSigner signer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(headers);
        foreach (var h in headers)
        {
            // A raw value ending in CRLF would count the line end twice in the relaxed hash input.
            if (h.RawValue.Span.EndsWith("\r\n"u8))
            {
                throw new ArgumentException($"the raw value of {h.Name} must not end with its CRLF", nameof(headers));
            }
        }

        return SignatureHeaderSigner.SignAsync(headers, body, request, signer, cancellationToken);
    }

    /// <summary>The field's value without the single leading space the signer writes, for header APIs that add
    /// that space back ("Name: " + value), so the bytes in the message equal <see cref="HeaderField.RawValue"/>.</summary>
    public static string ToHeaderValue(HeaderField field)
    {
        string raw = field.ValueAsString();
        return raw.StartsWith(' ') ? raw[1..] : raw;
    }
}
