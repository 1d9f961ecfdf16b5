using System.Security.Cryptography;
using MailFilter.Crypto.Age;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signing;

namespace MailFilter.Crypto.Envelope;

/// <summary>
/// Seals a message into an envelope v1 (docs/envelope.md §5, sending): an age v1 file to every
/// recipient whose plaintext is the signed MFSM container. One pass over the content, constant
/// memory: the content is hashed while it is encrypted, and the signature is the trailer of the
/// final chunk, so only the signing call waits for the whole content.
/// </summary>
public static class EnvelopeSealer
{
    /// <summary>
    /// Reads the content (the complete RFC 5322 message, CRLF, byte-exact) and writes the age file to
    /// <paramref name="output"/>. The signature comes from <paramref name="signer"/> (mailfilter-authd
    /// in production) and is verified against its public key before it is written. Each 64 KiB chunk is
    /// one read and one write: pass buffered streams (a FileStream with a buffer of 1 MiB, say), or
    /// every chunk costs a system call and a thread-pool hop.
    /// </summary>
    public static Task<SealedEnvelope> SealAsync(
        Stream content, Stream output, SealRequest request, IMessageSigner signer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(signer);
        return SealCoreAsync(content, output, request, signer, SealRandomness.System, cancellationToken);
    }

    internal static async Task<SealedEnvelope> SealCoreAsync(
        Stream content, Stream output, SealRequest request, IMessageSigner signer, SealRandomness random, CancellationToken cancellationToken)
    {
        long contentLength = request.ContentLength
            ?? (content.CanSeek ? content.Length - content.Position : throw new ArgumentException("ContentLength is required for a stream that cannot seek", nameof(request)));
        if (contentLength < 0)
        {
            throw new ArgumentException("ContentLength must not be negative", nameof(request));
        }

        var manifest = BuildManifest(request, signer.PublicKey.KeyId);
        var manifestBytes = manifest.Serialize();

        using var fileKey = random.NewFileKey();
        var header = WriteHeader(request.Recipients, fileKey, random);
        await output.WriteAsync(header, cancellationToken).ConfigureAwait(false);

        Span<byte> nonce = stackalloc byte[AgeFormat.NonceSize];
        random.FillNonce(nonce);
        using var writer = new AgePayloadWriter(output, fileKey, nonce);
        await writer.WriteAsync(ContainerFormat.WriteLead(manifestBytes, contentLength), cancellationToken).ConfigureAwait(false);
        var contentHash = await CopyContentAsync(content, contentLength, writer, cancellationToken).ConfigureAwait(false);

        var toBeSigned = ContainerFormat.ToBeSigned(
            ContainerFormat.Preamble, SHA256.HashData(header), SHA256.HashData(manifestBytes), contentLength, contentHash);
        var signature = await signer.SignAsync(SignaturePurpose.Envelope, toBeSigned, cancellationToken).ConfigureAwait(false);
        if (!signer.PublicKey.Verify(toBeSigned, signature))
        {
            throw new CryptographicException("the signer returned a signature that does not verify under its public key");
        }

        await writer.WriteAsync(signature, cancellationToken).ConfigureAwait(false);
        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);

        long length = header.Length + AgeFormat.NonceSize + EncryptedLength(writer.Position);
        return new SealedEnvelope(manifest, SHA256.HashData(header), contentHash, toBeSigned, signature, length);
    }

    private static EnvelopeManifest BuildManifest(SealRequest request, KeyId senderKid)
    {
        var sender = AddressCanonicalizer.Canonicalize(request.Sender ?? throw new ArgumentException("Sender is required", nameof(request)));
        var messageId = (request.MessageId ?? string.Empty).Trim();
        if (messageId.Length >= 2 && messageId[0] == '<' && messageId[^1] == '>')
        {
            messageId = messageId[1..^1];
        }

        if (!EnvelopeManifest.IsValidMessageId(messageId))
        {
            throw new ArgumentException("MessageId must be 1..255 printable ASCII characters", nameof(request));
        }

        if (request.Created.ToUnixTimeSeconds() < 0)
        {
            throw new ArgumentException("Created must not precede 1970", nameof(request));
        }

        var recipients = request.Recipients ?? throw new ArgumentException("Recipients is required", nameof(request));
        if (recipients.Count is < 1 or > EnvelopeManifest.MaxRecipients)
        {
            throw new ArgumentException($"an envelope has 1..{EnvelopeManifest.MaxRecipients} recipients", nameof(request));
        }

        var entries = new HashSet<ManifestRecipient>();
        foreach (var recipient in recipients)
        {
            if (!entries.Add(new ManifestRecipient(AddressCanonicalizer.Canonicalize(recipient.Address), recipient.Key.KeyId)))
            {
                throw new ArgumentException($"recipient {recipient.Address} is listed twice with the same key", nameof(request));
            }
        }

        return EnvelopeManifest.Create(sender, senderKid, request.Created, messageId, entries);
    }

    private static byte[] WriteHeader(IReadOnlyList<EnvelopeRecipient> recipients, FileKey fileKey, SealRandomness random)
    {
        var order = recipients.Select(r => r.Key).ToArray();
        random.Shuffle(order.AsSpan());
        var stanzas = new List<AgeStanza>(order.Length + 1);
        foreach (var key in order)
        {
            using var ephemeral = random.NewEphemeralKey();
            stanzas.Add(AgeX25519.ToAgeStanza(AgeX25519.WrapCore(fileKey, key, ephemeral)));
        }

        stanzas.Add(KeyHint.Create(order.Select(k => k.KeyId)));
        return AgeHeaderWriter.Write(stanzas, fileKey);
    }

    private static async Task<byte[]> CopyContentAsync(Stream content, long length, AgePayloadWriter writer, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long remaining = length;
        while (remaining > 0)
        {
            // Read straight into the chunk buffer: no copy between the content and the cipher.
            await writer.EnsureSpaceAsync(cancellationToken).ConfigureAwait(false);
            var free = writer.GetFreeMemory();
            if (free.Length > remaining)
            {
                free = free[..(int)remaining];
            }

            int read = await content.ReadAsync(free, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new EndOfStreamException($"the content ended {remaining} bytes before ContentLength");
            }

            hash.AppendData(free.Span[..read]);
            writer.Advance(read);
            remaining -= read;
        }

        if (await content.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) != 0)
        {
            throw new ArgumentException("the content is longer than ContentLength", nameof(content));
        }

        return hash.GetHashAndReset();
    }

    private static long EncryptedLength(long plaintextLength)
    {
        long chunks = Math.Max(1, (plaintextLength + AgeFormat.ChunkSize - 1) / AgeFormat.ChunkSize);
        return plaintextLength + (chunks * AgeFormat.TagSize);
    }
}
