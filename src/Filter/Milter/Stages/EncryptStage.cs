using System.Security.Cryptography;
using System.Text;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signature;
using MailFilter.Filter.Configuration;
using MailFilter.Messages;
using MailFilter.Milter;

namespace MailFilter.Filter.Milter.Stages;

/// <summary>
/// Step 7 of docs/pipeline.md. Resolves every recipient's encryption key through mailfilter-authd. If one
/// has none: <c>required</c> refuses the message with <c>550 5.7.1 no encryption key for: ...</c>;
/// <c>when-possible</c> lets the signed message go unencrypted to everyone. Otherwise each copy's complete
/// signed message becomes an envelope v1 sealed for that copy's recipients, carried as the RFC 1847
/// multipart/encrypted message of <see cref="CarrierWriter"/>: the original's headers are reduced to the
/// outer ones and its body replaced; a Bcc copy is written whole, for the re-injection stage.
/// </summary>
public sealed class EncryptStage : IOutboundStage
{
    private readonly IOutboundKeys _keys;
    private readonly SpoolOptions _spool;
    private readonly TimeProvider _time;

    public EncryptStage(IOutboundKeys keys, SpoolOptions spool, TimeProvider? time = null)
    {
        _keys = keys;
        _spool = spool;
        _time = time ?? TimeProvider.System;
    }

    public string Name => "encrypt";

    public async ValueTask<MilterResponse?> RunAsync(OutboundContext context, CancellationToken cancellationToken)
    {
        if (context.Intent is not { } intent || intent.Encrypt == EncryptPolicy.Never || context.Copies.Count == 0)
        {
            return null;
        }

        var addresses = context.Copies.SelectMany(c => c.Recipients).Select(r => r.Address)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var found = await Task.WhenAll(addresses.Select(a => _keys.FindEncryptionKeyAsync(a, cancellationToken)));
        var keys = new Dictionary<string, X25519PublicKey>(StringComparer.OrdinalIgnoreCase);
        var missing = new List<string>();
        for (int i = 0; i < addresses.Count; i++)
        {
            if (found[i] is { } key)
            {
                keys[addresses[i]] = key;
            }
            else
            {
                missing.Add(addresses[i]);
            }
        }

        if (missing.Count > 0)
        {
            if (intent.Encrypt == EncryptPolicy.Required)
            {
                return MilterResponse.WithReply(550, "5.7.1", "no encryption key for: " + string.Join(", ", missing));
            }

            context.AddResult($"unencrypted (no key for {missing.Count})");
            return null;
        }

        var message = context.Message;
        string messageId = ManifestMessageId(message.Headers.GetValue("Message-ID"));
        var created = _time.GetUtcNow();
        var inner = SignStage.Fields(message.Headers);
        string boundary = CarrierWriter.NewBoundary();

        Stream carrierBody;
        for (int attempt = 1; ; attempt++)
        {
            context.Signer ??= await _keys.GetSignerAsync(intent.Sender, cancellationToken);
            try
            {
                carrierBody = await SealAllAsync(context, intent, inner, boundary, messageId, created, keys, cancellationToken);
                break;
            }
            catch (AuthClient.AuthdRequestException e) when (e.ErrorCode == SignStage.KeyRotated && attempt == 1)
            {
                // The sender's key was rotated since it was cached: seal again with the current one.
                _keys.Forget(intent.Sender);
                context.Signer = null;
            }
        }

        message.ReplaceBody(carrierBody);
        OuterHeaderEdit.Apply(message.Headers, boundary);
        context.AddResult($"encrypted={context.Copies[0].Recipients.Count}" + (context.Copies.Count > 1 ? $", bcc-copies={context.Copies.Count - 1}" : string.Empty));
        return null;
    }

    /// <summary>Seals every Bcc copy into <see cref="OutboundCopy.Content"/> and returns the original's carrier
    /// body (position 0). On failure nothing is left behind: the copies' content is disposed.</summary>
    private async Task<Stream> SealAllAsync(OutboundContext context, OutboundIntent intent, List<HeaderField> inner, string boundary,
        string messageId, DateTimeOffset created, Dictionary<string, X25519PublicKey> keys, CancellationToken cancellationToken)
    {
        var message = context.Message;
        var original = context.Copies[0];
        var carrierBody = _spool.Create(CarrierLength(original.BodyLength(message)));
        try
        {
            // Sealing is CPU-heavy (ChaCha20-Poly1305 and SHA-256 over the message): off the event loop when large,
            // left again for each copy, since the previous seal's signature came back from authd on .NET's socket thread.
            foreach (var copy in context.Copies.Where(c => !c.IsOriginal))
            {
                await EventLoop.LeaveForAsync(copy.BodyLength(message));
                var output = _spool.Create(CarrierLength(copy.BodyLength(message)));
                copy.Content = output;
                await using var body = copy.OpenBody(message);
                await CarrierWriter.WriteMessageAsync(output, HeadersFor(inner, original, copy), body, Request(intent, messageId, created, copy, keys), context.Signer!, null, cancellationToken);
                output.Position = 0;
            }

            await EventLoop.LeaveForAsync(original.BodyLength(message));
            await using (var content = MessageHeaders.OpenMessage(inner, original.OpenBody(message)))
            {
                await CarrierWriter.WriteBodyAsync(carrierBody, boundary, content,
                    Request(intent, messageId, created, original, keys) with { ContentLength = content.Length }, context.Signer!, cancellationToken);
            }

            carrierBody.Position = 0;
            return carrierBody;
        }
        catch
        {
            await carrierBody.DisposeAsync();
            foreach (var copy in context.Copies)
            {
                copy.Dispose();
            }

            throw;
        }
    }

    /// <summary>The inner headers of a Bcc copy: the original's, with the copy's own signature in place of the
    /// original's (which binds other recipients), and its own confirmation number (docs/registry.md §2: one row per copy).</summary>
    internal static List<HeaderField> HeadersFor(List<HeaderField> original, OutboundCopy originalCopy, OutboundCopy copy)
    {
        if (originalCopy.InsertedSignature is null || copy.Signature is not { } own)
        {
            return original;
        }

        var fields = new List<HeaderField>(original.Count) { own };
        bool skipped = false;
        foreach (var f in original)
        {
            if (!skipped && f.HasName(SignatureHeader.FieldName) && f.RawValue.Span.SequenceEqual(originalCopy.InsertedSignature.RawValue))
            {
                skipped = true;
                continue;
            }

            fields.Add(copy.ConfirmationNo is { } number && f.HasName(Messages.RegistryClaim.ConfirmationNoField) ? HeaderField.FromString(f.Name, " " + number) : f);
        }

        return fields;
    }

    /// <summary>The Message-ID for the manifest (envelope.md §4: 1..255 of %x21-7E without angle brackets).
    /// A header that does not fit gets a stable stand-in derived from it, so the envelope can still be made.</summary>
    internal static string ManifestMessageId(string? header)
    {
        string id = (header ?? string.Empty).Trim();
        int lt = id.IndexOf('<', StringComparison.Ordinal);
        int gt = lt >= 0 ? id.IndexOf('>', lt + 1) : -1;
        if (lt >= 0 && gt > lt)
        {
            id = id[(lt + 1)..gt];
        }

        if (id.Length is > 0 and <= 255 && id.All(c => c is >= '!' and <= '~' and not '<' and not '>'))
        {
            return id;
        }

        return "mf-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(header ?? string.Empty))[..16]) + "@invalid";
    }

    private static SealRequest Request(OutboundIntent intent, string messageId, DateTimeOffset created, OutboundCopy copy, Dictionary<string, X25519PublicKey> keys) => new()
    {
        Sender = intent.Sender,
        MessageId = messageId,
        Created = created,
        // One entry per address: the same recipient named twice (RCPT and alias spelling) is one reader.
        Recipients = [.. copy.Recipients.Select(r => r.Address).Distinct(StringComparer.OrdinalIgnoreCase).Select(a => new EnvelopeRecipient(a, keys[a]))],
    };

    /// <summary>About how long the carrier of a body of <paramref name="bodyLength"/> bytes is: base64 (4/3) plus the
    /// MIME layer and the envelope's own header.</summary>
    private static long CarrierLength(long bodyLength) => (bodyLength * 4 / 3) + 4096;
}
