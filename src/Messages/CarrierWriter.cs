using System.Security.Cryptography;
using System.Text;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Signature;
using MailFilter.Crypto.Signing;

namespace MailFilter.Messages;

/// <summary>
/// Writes the encrypted carrier (docs/pipeline.md "The encrypted carrier", envelope.md §7): an RFC 1847
/// multipart/encrypted message whose part 2 is the envelope v1 sealed around the complete signed message.
/// Streaming: the content is read once and the age file is base64-encoded as it is sealed, so memory does
/// not grow with the message. The outer headers are the kept and trace fields of the inner message, the
/// Subject replaced by <see cref="CarrierFormat.ProtectedSubject"/>, and the multipart Content-Type.
/// </summary>
public static class CarrierWriter
{
    /// <summary>A fresh boundary: random, so it cannot occur in the base64 or the control part.</summary>
    public static string NewBoundary() => "=_mf_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>True for a header the outer message keeps as it is (pipeline.md: kept and trace fields).</summary>
    public static bool IsKept(string name) =>
        CarrierFormat.KeptHeaders.Any(k => k.Equals(name, StringComparison.OrdinalIgnoreCase))
        || CarrierFormat.TraceHeaders.Any(k => k.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The outer Content-Type value (what follows "Content-Type: ").</summary>
    public static string ContentTypeValue(string boundary) =>
        $"multipart/encrypted; protocol=\"{CarrierFormat.Protocol}\";\r\n\tboundary=\"{boundary}\"";

    /// <summary>
    /// The outer header fields for <paramref name="inner"/>: every kept or trace field in its place, the first
    /// Subject as <c>[...]</c> (the others dropped; one is added at the end when there was none),
    /// <c>MIME-Version: 1.0</c> when missing, then the multipart Content-Type. Raw values start with the
    /// space after the colon, as <see cref="HeaderField"/> holds them.
    /// </summary>
    public static IReadOnlyList<HeaderField> OuterHeaders(IReadOnlyList<HeaderField> inner, string boundary)
    {
        ArgumentNullException.ThrowIfNull(inner);
        var outer = new List<HeaderField>(inner.Count + 3);
        bool subject = false;
        bool mimeVersion = false;
        foreach (var field in inner)
        {
            if (field.HasName("Subject"))
            {
                if (!subject)
                {
                    outer.Add(HeaderField.FromString("Subject", " " + CarrierFormat.ProtectedSubject));
                    subject = true;
                }
            }
            else if (IsKept(field.Name))
            {
                mimeVersion |= field.HasName("MIME-Version");
                outer.Add(field);
            }
        }

        if (!subject)
        {
            outer.Add(HeaderField.FromString("Subject", " " + CarrierFormat.ProtectedSubject));
        }

        if (!mimeVersion)
        {
            outer.Add(HeaderField.FromString("MIME-Version", " 1.0"));
        }

        outer.Add(HeaderField.FromString("Content-Type", " " + ContentTypeValue(boundary)));
        return outer;
    }

    /// <summary>
    /// Seals <paramref name="content"/> (the complete signed message, CRLF, byte-exact) and writes the carrier's
    /// body (the two parts of the multipart, closed) to <paramref name="output"/>.
    /// </summary>
    public static async Task<SealedEnvelope> WriteBodyAsync(
        Stream output, string boundary, Stream content, SealRequest request, IMessageSigner signer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentException.ThrowIfNullOrEmpty(boundary);
        await output.WriteAsync(Encoding.ASCII.GetBytes(
            $"--{boundary}\r\n" +
            $"Content-Type: {CarrierFormat.Protocol}\r\n" +
            "\r\n" +
            $"{CarrierFormat.ControlBody}\r\n" +
            $"--{boundary}\r\n" +
            $"Content-Type: application/octet-stream; name=\"{CarrierFormat.EnvelopeFileName}\"\r\n" +
            $"Content-Disposition: inline; filename=\"{CarrierFormat.EnvelopeFileName}\"\r\n" +
            "Content-Transfer-Encoding: base64\r\n" +
            "\r\n"), cancellationToken).ConfigureAwait(false);
        SealedEnvelope sealedEnvelope;
        await using (var base64 = new Base64LineStream(output))
        {
            sealedEnvelope = await EnvelopeSealer.SealAsync(content, base64, request, signer, cancellationToken).ConfigureAwait(false);
            await base64.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        await output.WriteAsync(Encoding.ASCII.GetBytes($"--{boundary}--\r\n"), cancellationToken).ConfigureAwait(false);
        return sealedEnvelope;
    }

    /// <summary>
    /// Writes a complete carrier message: <paramref name="extraTopHeaders"/> (e.g. the re-injection guard),
    /// the outer headers of <paramref name="innerHeaders"/>, a blank line, and the body sealing the inner message
    /// (<paramref name="innerHeaders"/>, a blank line, <paramref name="innerBody"/>).
    /// </summary>
    public static async Task<SealedEnvelope> WriteMessageAsync(
        Stream output, IReadOnlyList<HeaderField> innerHeaders, Stream innerBody, SealRequest request, IMessageSigner signer,
        IReadOnlyList<HeaderField>? extraTopHeaders = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(innerHeaders);
        ArgumentNullException.ThrowIfNull(innerBody);
        string boundary = NewBoundary();
        using (var head = new MemoryStream())
        {
            MessageHeaders.Write(head, extraTopHeaders ?? []);
            MessageHeaders.Write(head, OuterHeaders(innerHeaders, boundary));
            head.Write("\r\n"u8);
            await output.WriteAsync(head.GetBuffer().AsMemory(0, (int)head.Length), cancellationToken).ConfigureAwait(false);
        }

        await using var content = MessageHeaders.OpenMessage(innerHeaders, innerBody);
        return await WriteBodyAsync(output, boundary, content, request with { ContentLength = content.Length }, signer, cancellationToken).ConfigureAwait(false);
    }
}
