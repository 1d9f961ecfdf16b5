using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Keys;
using MailFilter.Mime;

namespace MailFilter.Messages;

/// <summary>
/// What <see cref="InboundVerifier"/> decided for one recipient, and the message to store: the decrypted inner
/// message when the envelope opened, otherwise the message as received. Dispose it to delete the spool.
/// </summary>
public sealed class InboundResult : IDisposable
{
    private readonly Stream? _ownedSpool;

    internal InboundResult(InboundVerdict verdict, string? reason, Stream content, Stream? ownedSpool)
    {
        Verdict = verdict;
        Reason = reason;
        Content = content;
        _ownedSpool = ownedSpool;
    }

    public InboundVerdict Verdict { get; }

    /// <summary>Why it failed (or a note on a pass), short and without content: the Authentication-Results comment.</summary>
    public string? Reason { get; }

    /// <summary>The author (From:) the result speaks for, canonical; null when the message has no single From mailbox.</summary>
    public string? HeaderFrom { get; init; }

    /// <summary>The MAIL FROM of the delivery.</summary>
    public string MailFrom { get; init; } = string.Empty;

    /// <summary>True when the message was a carrier (whether or not it opened).</summary>
    public bool WasEncrypted { get; init; }

    /// <summary>True when the envelope opened: <see cref="Content"/> is the inner message.</summary>
    public bool Decrypted { get; init; }

    /// <summary>Why the carrier or envelope was refused, when it was.</summary>
    public CarrierError? CarrierError { get; init; }

    /// <summary>The failed envelope check, when one failed.</summary>
    public EnvelopeError? EnvelopeError { get; init; }

    /// <summary>The opened envelope's manifest (sender, Message-ID, recipients), when it opened.</summary>
    public EnvelopeManifest? Manifest { get; init; }

    /// <summary>The signer of the verified signature (envelope or header), canonical.</summary>
    public string? Signer { get; init; }

    /// <summary>The kid of the key that verified it.</summary>
    public KeyId? SignerKid { get; init; }

    /// <summary>The message to deliver (seekable). Its trace fields from transport are in <see cref="TraceFields"/>.</summary>
    public Stream Content { get; }

    /// <summary>
    /// Header fields to put above <see cref="Content"/>'s: the outer message's trace fields (Received, ...) that the
    /// carrier gathered in transit after it was sealed, raw. Empty unless <see cref="Decrypted"/>.
    /// </summary>
    public IReadOnlyList<byte[]> TraceFields { get; init; } = [];

    /// <summary>The registry check of an <c>X-Registered: Yes</c> claim (docs/registry.md §5): <c>pass</c>, or <c>fail (reason)</c>; null when there was no claim.</summary>
    public string? RegistryResult { get; set; }

    /// <summary>Set when the claim failed: the Subject gets this prefix.</summary>
    public string? SubjectPrefix { get; set; }

    /// <summary>Set when the claim failed and policy says warn or quarantine: an <c>X-MailFilter-Warning</c> header with this text.</summary>
    public string? Warning { get; set; }

    /// <summary>
    /// Set when the claim failed and policy says warn: the message becomes a multipart/mixed whose first part is this
    /// text (text/plain, UTF-8) and whose second part is the original body with its Content-* fields, byte for byte.
    /// </summary>
    public string? WarningText { get; set; }

    /// <summary>Set when the claim failed and policy says quarantine: the mailbox folder to store into instead of the inbox.</summary>
    public string? Folder { get; set; }

    /// <summary>The Authentication-Results value for this result.</summary>
    public string AuthenticationResultsValue(string authservId) =>
        AuthenticationResults.Format(authservId, Verdict, Reason, HeaderFrom, MailFrom)
        + (RegistryResult is null ? string.Empty : "; " + AuthenticationResults.RegistryMethod + "=" + RegistryResult);

    /// <summary>
    /// Writes the message to deliver: our Authentication-Results at the top, the carried trace fields, then the
    /// message with any inbound Authentication-Results claiming <paramref name="authservId"/> removed. Everything else
    /// is copied byte for byte.
    /// </summary>
    public void WriteTo(Stream output, string authservId)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(new Header(AuthenticationResults.FieldName, AuthenticationResultsValue(authservId)).RawBytes);
        foreach (var field in TraceFields)
        {
            output.Write(field);
        }

        Content.Position = 0;
        using var message = MimeMessage.Load(Content, MessageLayout.HeaderOptions);
        bool changed = AuthenticationResults.StripClaims(message.Headers, authservId) > 0;
        if (SubjectPrefix is not null)
        {
            var subject = message.Headers.Find("Subject");
            var value = SubjectPrefix + (subject?.DecodedValue ?? string.Empty);
            if (subject is null)
            {
                message.Headers.Add("Subject", value);
            }
            else
            {
                message.Headers.Set("Subject", value);
            }

            changed = true;
        }

        if (Warning is not null)
        {
            message.Headers.Insert(0, new Header("X-MailFilter-Warning", Warning));
            changed = true;
        }

        if (WarningText is not null)
        {
            PutWarningFirst(message, WarningText);
            changed = true;
        }

        if (changed)
        {
            message.WriteTo(output);
        }
        else
        {
            Content.Position = 0;
            Content.CopyTo(output);
        }
    }

    /// <summary>
    /// Wraps the message's body in a multipart/mixed with <paramref name="text"/> as its first part: the message fields
    /// stay at the top, the Content-* fields go with the original body into the second part (a body without them is
    /// text/plain there too, RFC 2046 §5.1), and the body is copied unchanged.
    /// </summary>
    private static void PutWarningFirst(MimeMessage message, string text)
    {
        var original = message.Root;
        var wrapper = new Multipart("mixed");
        var contentType = wrapper.Headers.Find("Content-Type")!;
        wrapper.Headers.Remove(contentType);
        foreach (var field in original.Headers.ToList())
        {
            if (!field.Name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
            {
                original.Headers.Remove(field);
                wrapper.Headers.Add(field);
            }
        }

        if (!wrapper.Headers.Contains("MIME-Version"))
        {
            wrapper.Headers.Add("MIME-Version", "1.0");
        }

        wrapper.Headers.Add(contentType);
        var warning = new MimePart("text", "plain");
        warning.SetText(text + "\r\n", System.Text.Encoding.UTF8);
        message.Root = wrapper;
        wrapper.Add(warning);
        wrapper.Add(original);
    }

    public void Dispose() => _ownedSpool?.Dispose();
}
