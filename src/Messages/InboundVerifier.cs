using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Signature;
using MailFilter.Crypto.Signing;
using MailFilter.Mime;

namespace MailFilter.Messages;

/// <summary>
/// The inbound checks of docs/pipeline.md ("Inbound: the delivery agent", steps 1, 2 and the verdict of 5) for one
/// recipient: open the carrier's envelope with every check of docs/envelope.md §6 (nothing released before the
/// signature checks pass), verify the MailFilter-Signature header (signed-only mail, or inside the envelope), and
/// decide pass, fail or none. The delivery agent and mailfilterctl's verify and decrypt share it.
/// </summary>
/// <remarks>
/// Bad input never throws: a malformed carrier or a refused envelope is a <see cref="InboundVerdict.Fail"/> with the
/// message as received. What does throw is a dependency that is down (AuthClient's AuthdUnavailableException from
/// the unwrapper or the key resolver), so that the caller can tempfail and the MTA retries.
/// </remarks>
public sealed class InboundVerifier
{
    // RFC 5321 §4.4 trace fields and their kin that MTAs and filters put above a message in transit.
    private static readonly HashSet<string> s_traceFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "Received", "Return-Path", "Delivered-To", "X-Original-To", "Authentication-Results", "X-MailFilter-Trace",
    };

    private readonly ISigningKeyResolver _senderKeys;
    private readonly InboundOptions _options;
    private readonly SignatureHeaderVerifier _signatures;

    public InboundVerifier(ISigningKeyResolver senderKeys, InboundOptions? options = null)
    {
        _senderKeys = senderKeys ?? throw new ArgumentNullException(nameof(senderKeys));
        _options = options ?? new InboundOptions();
        _signatures = new SignatureHeaderVerifier(senderKeys, _options.Signature);
    }

    /// <summary>Judges <paramref name="message"/> (seekable; read from position 0) for one recipient.</summary>
    public async Task<InboundResult> VerifyAsync(Stream message, InboundRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(request);
        if (!message.CanSeek || !message.CanRead)
        {
            throw new ArgumentException("the message must be a readable, seekable stream", nameof(message));
        }

        message.Position = 0;
        using var parsed = MimeMessage.Load(message, MessageLayout.HeaderOptions);
        var from = MessageLayout.SingleFrom(parsed);
        var mailFrom = Canonical(request.MailFrom);
        if (CarrierReader.IsCarrier(parsed))
        {
            return await OpenCarrierAsync(message, parsed, from, mailFrom, request, cancellationToken).ConfigureAwait(false);
        }

        var signature = await VerifyHeaderAsync(parsed, message, request, cancellationToken).ConfigureAwait(false);
        var (verdict, reason) = signature.Status switch
        {
            SignatureHeaderStatus.Pass when from is null => (InboundVerdict.Fail, "no single From address"),
            SignatureHeaderStatus.Pass when from != signature.Signer => (InboundVerdict.Fail, "From is not the signer"),
            SignatureHeaderStatus.Pass => (InboundVerdict.Pass, signature.Note),
            SignatureHeaderStatus.Fail => (InboundVerdict.Fail, "signature: " + signature.Error),
            _ when MessageLayout.FromDomains(parsed).Any(_options.LocalDomains.Contains) => (InboundVerdict.Fail, "no signature from a MailFilter domain"),
            _ => (InboundVerdict.None, null),
        };
        message.Position = 0;
        return new InboundResult(verdict, reason, message, null)
        {
            HeaderFrom = from,
            MailFrom = mailFrom,
            Signer = signature.Signer,
            SignerKid = signature.Kid,
        };
    }

    private async Task<InboundResult> OpenCarrierAsync(
        Stream message, MimeMessage parsed, string? outerFrom, string mailFrom, InboundRequest request, CancellationToken cancellationToken)
    {
        InboundResult Refused(string reason, CarrierError? carrierError, EnvelopeError? envelopeError)
        {
            message.Position = 0;
            return new InboundResult(InboundVerdict.Fail, reason, message, null)
            {
                HeaderFrom = outerFrom,
                MailFrom = mailFrom,
                WasEncrypted = true,
                CarrierError = carrierError,
                EnvelopeError = envelopeError,
            };
        }

        if (!AddressCanonicalizer.TryCanonicalize(request.Recipient, out _))
        {
            return Refused("recipient address is not canonicalizable", null, null);
        }

        // Steps 1 and 2: the MIME layer, the age file to a spool.
        // Both spools are about the size of the message (the age file is its base64 decoded; the inner message a little
        // smaller than that): in memory for most mail.
        using var envelope = _options.Spool.Create(message.Length);
        var carrier = await CarrierReader.ReadAsync(parsed, envelope, MaxEnvelopeLength, cancellationToken).ConfigureAwait(false);
        if (carrier.Status != CarrierStatus.Carrier)
        {
            return Refused("carrier: " + carrier.Error, carrier.Error, null);
        }

        await envelope.FlushAsync(cancellationToken).ConfigureAwait(false);
        envelope.Position = 0;

        // Steps 3-15. The inner message stays in the spool until every check passed (the opener empties it otherwise).
        var inner = _options.Spool.Create(message.Length);
        OpenedEnvelope opened;
        try
        {
            var opener = new EnvelopeOpener(_senderKeys, request.ReplayGuard, _options.Envelope);
            opened = await opener.OpenAsync(envelope, inner, new OpenRequest
            {
                RecipientAddress = request.Recipient,
                Unwrapper = request.Unwrapper,
                FromCheck = (manifest, innerMessage, _) => ValueTask.FromResult(outerFrom == manifest.Sender && InnerFrom(innerMessage) == manifest.Sender),
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (EnvelopeException e)
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            return Refused("envelope: " + e.Error, null, e.Error);
        }
        catch
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        // The envelope's own signature passed (step 11) and binds the sender; a signature header inside is checked too,
        // since it is what binds this delivery's envelope (docs/signature-header.md §4).
        inner.Position = 0;
        using var innerParsed = MimeMessage.Load(inner, MessageLayout.HeaderOptions);
        var signature = await VerifyHeaderAsync(innerParsed, inner, request, cancellationToken).ConfigureAwait(false);
        var (verdict, reason) = signature.Status switch
        {
            SignatureHeaderStatus.Fail => (InboundVerdict.Fail, "signature: " + signature.Error),
            SignatureHeaderStatus.Pass when signature.Signer != opened.Manifest.Sender => (InboundVerdict.Fail, "signature header is not the sender's"),
            SignatureHeaderStatus.Pass => (InboundVerdict.Pass, signature.Note),
            _ => (InboundVerdict.Pass, null),
        };
        inner.Position = 0;
        return new InboundResult(verdict, reason, inner, inner)
        {
            HeaderFrom = opened.Manifest.Sender,
            MailFrom = mailFrom,
            WasEncrypted = true,
            Decrypted = true,
            Manifest = opened.Manifest,
            Signer = opened.Manifest.Sender,
            SignerKid = opened.Manifest.SenderKid,
            TraceFields = CarriedTrace(parsed, innerParsed),
        };
    }

    private async Task<HeaderVerdict> VerifyHeaderAsync(MimeMessage parsed, Stream source, InboundRequest request, CancellationToken cancellationToken)
    {
        var fields = MessageLayout.HeaderFields(parsed);
        var body = new StreamSlice(source, MessageLayout.BodyOffset(parsed, source));
        var result = await _signatures.VerifyAsync(fields, body, new DeliveryEnvelope(request.MailFrom, request.Recipient), cancellationToken).ConfigureAwait(false);
        if (result.Error == SignatureHeaderError.EnvelopeRecipientMismatch && request.OriginalRecipient is { Length: > 0 } orcpt)
        {
            body.Position = 0;
            result = await _signatures.VerifyAsync(fields, body, new DeliveryEnvelope(request.MailFrom, orcpt), cancellationToken).ConfigureAwait(false);
        }

        // The binding is the last check (docs/signature-header.md §6 step 9): failing only there means the signature
        // itself verified. Offline, without the delivery's envelope, that is a pass with a note.
        if (!request.CheckEnvelopeBinding && result.Error is SignatureHeaderError.EnvelopeSenderMismatch or SignatureHeaderError.EnvelopeRecipientMismatch)
        {
            return new HeaderVerdict(SignatureHeaderStatus.Pass, null, result.Signer, result.Kid, "envelope binding not checked");
        }

        return new HeaderVerdict(result.Status, result.Error, result.Signer, result.Kid, null);
    }

    /// <summary>
    /// The outer message's leading trace fields (added in transit after sealing: Received and the like) that the inner
    /// message does not already carry, so the delivered message keeps its transport history (docs/envelope.md §6 step 16).
    /// </summary>
    private static List<byte[]> CarriedTrace(MimeMessage outer, MimeMessage inner)
    {
        var innerRaw = inner.Headers.Select(h => Convert.ToBase64String(h.RawBytes)).ToHashSet(StringComparer.Ordinal);
        var carried = new List<byte[]>();
        foreach (var h in outer.Headers)
        {
            if (h.IsMalformed || !s_traceFields.Contains(h.Name))
            {
                break;
            }

            if (!h.Is("Return-Path") && !innerRaw.Contains(Convert.ToBase64String(h.RawBytes)))
            {
                carried.Add(h.RawBytes.ToArray());
            }
        }

        return carried;
    }

    private static string? InnerFrom(Stream innerMessage)
    {
        using var inner = MimeMessage.Load(innerMessage, MessageLayout.HeaderOptions);
        return MessageLayout.SingleFrom(inner);
    }

    private static string Canonical(string address) =>
        AddressCanonicalizer.TryCanonicalize(address, out var canonical) ? canonical : address;

    // The age header (at most 256 KiB), the container's preamble, manifest (< 300 KiB for 1,000 recipients), length
    // and signature fit in 1 MiB; the payload adds 16 bytes per 64 KiB chunk (docs/envelope.md §3.1).
    private long MaxEnvelopeLength => (1L << 20) + _options.Envelope.MaxContentLength + ((_options.Envelope.MaxContentLength / (64 * 1024)) + 1) * 16;

    private sealed record HeaderVerdict(SignatureHeaderStatus Status, SignatureHeaderError? Error, string? Signer, Crypto.Keys.KeyId? Kid, string? Note);
}
