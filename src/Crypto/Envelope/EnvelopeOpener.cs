using System.Security.Cryptography;
using MailFilter.Crypto.Age;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signing;

namespace MailFilter.Crypto.Envelope;

/// <summary>
/// Opens envelopes v1 with every receive check of docs/envelope.md §6 in order (steps 3–15; steps 1–2,
/// the MIME layer, are the caller's). The inner message is streamed to a spool the caller provides
/// and counts as released only when <see cref="OpenAsync"/> returns: on any failure the spool is
/// truncated to zero and <see cref="EnvelopeException"/> names the failed check.
/// </summary>
public sealed class EnvelopeOpener
{
    private readonly ISigningKeyResolver _senderKeys;
    private readonly IReplayGuard _replayGuard;
    private readonly EnvelopeOpenOptions _options;

    public EnvelopeOpener(ISigningKeyResolver senderKeys, IReplayGuard replayGuard, EnvelopeOpenOptions? options = null)
    {
        _senderKeys = senderKeys ?? throw new ArgumentNullException(nameof(senderKeys));
        _replayGuard = replayGuard ?? throw new ArgumentNullException(nameof(replayGuard));
        _options = options ?? EnvelopeOpenOptions.Default;
    }

    /// <summary>
    /// Reads the age file from <paramref name="envelope"/> and, if every check passes, leaves the
    /// inner message in <paramref name="contentSpool"/> (readable, writable, seekable; emptied first)
    /// positioned at 0. As for sealing, pass buffered streams: the payload is read and the spool written
    /// one 64 KiB chunk at a time.
    /// </summary>
    public async Task<OpenedEnvelope> OpenAsync(Stream envelope, Stream contentSpool, OpenRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(contentSpool);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Unwrapper);
        ArgumentNullException.ThrowIfNull(request.FromCheck);
        if (!contentSpool.CanRead || !contentSpool.CanWrite || !contentSpool.CanSeek)
        {
            throw new ArgumentException("the spool must be readable, writable and seekable", nameof(contentSpool));
        }

        var recipient = AddressCanonicalizer.Canonicalize(request.RecipientAddress);
        contentSpool.SetLength(0);
        try
        {
            return await OpenCoreAsync(envelope, contentSpool, recipient, request, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Nothing of an envelope that failed a check is left behind for anyone to deliver.
            contentSpool.SetLength(0);
            throw;
        }
    }

    private async Task<OpenedEnvelope> OpenCoreAsync(Stream envelope, Stream spool, string recipient, OpenRequest request, CancellationToken cancellationToken)
    {
        // Step 3: the age header, with limits and canonical base64.
        var (header, leftover) = await AgeHeaderReader.ReadAsync(envelope, _options.HeaderLimits, cancellationToken).ConfigureAwait(false);
        var (stanzas, hintKids) = ReadStanzas(header);

        // Step 4: the hinted stanza first, then all (inside the unwrapper, which holds the keys).
        using var unwrapped = await request.Unwrapper.UnwrapAsync(new UnwrapRequest(stanzas, hintKids), cancellationToken).ConfigureAwait(false)
            ?? throw new EnvelopeException(EnvelopeError.NoMatchingRecipient);

        // Step 5.
        Span<byte> mac = stackalloc byte[AgeFormat.MacSize];
        AgeFormat.ComputeMac(unwrapped.FileKey, header.Bytes.AsSpan(0, header.MacInputLength), mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, header.Mac))
        {
            EnvelopeException.Throw(EnvelopeError.HeaderMacMismatch);
        }

        // Steps 6–9: decrypt to the spool while the container is parsed and the content hashed.
        using var container = new ContainerReader(_options.MaxContentLength);
        using (var payload = new AgePayloadReader(envelope, unwrapped.FileKey, leftover))
        {
            while (await payload.ReadChunkAsync(cancellationToken).ConfigureAwait(false))
            {
                var chunk = payload.Current;
                var (offset, length) = container.Feed(chunk.Span).GetOffsetAndLength(chunk.Length);
                if (length > 0)
                {
                    await spool.WriteAsync(chunk.Slice(offset, length), cancellationToken).ConfigureAwait(false);
                }
            }
        }

        container.Complete();
        var manifest = container.Manifest!;

        // Step 10.
        var senderKey = await _senderKeys.FindSigningKeyAsync(manifest.SenderKid, manifest.Sender, cancellationToken).ConfigureAwait(false);
        CheckSenderKey(senderKey, manifest);

        // Step 11.
        var headerHash = SHA256.HashData(header.Bytes);
        var toBeSigned = ContainerFormat.ToBeSigned(
            container.Preamble, headerHash, SHA256.HashData(container.ManifestBytes), container.ContentLength, container.ContentHash);
        if (!senderKey!.PublicKey.Verify(toBeSigned, container.Signature))
        {
            EnvelopeException.Throw(EnvelopeError.SignatureInvalid);
        }

        // Step 12: a re-encryption by another recipient names a recipient the sender did not.
        if (!manifest.Recipients.Contains(new ManifestRecipient(recipient, unwrapped.RecipientKid)))
        {
            EnvelopeException.Throw(EnvelopeError.RecipientNotInManifest);
        }

        // Step 13.
        await spool.FlushAsync(cancellationToken).ConfigureAwait(false);
        spool.Position = 0;
        if (!await request.FromCheck(manifest, spool, cancellationToken).ConfigureAwait(false))
        {
            EnvelopeException.Throw(EnvelopeError.FromMismatch);
        }

        // Step 14: hidden extra recipients.
        CheckRecipientSet(stanzas.Count, hintKids, manifest);

        // Step 15.
        if (!await _replayGuard.TryRecordAsync(new ReplayKey(recipient, manifest.Sender, manifest.MessageId, manifest.Created), cancellationToken).ConfigureAwait(false))
        {
            EnvelopeException.Throw(EnvelopeError.Replay);
        }

        spool.Position = 0;
        return new OpenedEnvelope(manifest, unwrapped.RecipientKid, container.ContentLength, headerHash, container.ContentHash, container.Signature);
    }

    /// <summary>
    /// An envelope header holds X25519 stanzas and at most one key hint after them; nothing else
    /// (docs/envelope.md §3: no negotiation, an unknown value is a reject).
    /// </summary>
    private (List<X25519Stanza> Stanzas, KeyId[]? HintKids) ReadStanzas(AgeHeader header)
    {
        int x25519Count = header.Stanzas.Count(s => s.Type == X25519Stanza.Type);
        if (x25519Count > _options.HeaderLimits.MaxRecipientStanzas)
        {
            EnvelopeException.Throw(EnvelopeError.TooManyStanzas);
        }

        var stanzas = new List<X25519Stanza>(x25519Count);
        KeyId[]? hintKids = null;
        foreach (var stanza in header.Stanzas)
        {
            if (stanza.Type == X25519Stanza.Type && hintKids is null)
            {
                stanzas.Add(AgeX25519.FromAgeStanza(stanza));
            }
            else if (stanza.Type == KeyHint.StanzaType && hintKids is null)
            {
                hintKids = KeyHint.Parse(stanza);
            }
            else
            {
                EnvelopeException.Throw(EnvelopeError.UnexpectedStanza, "only X25519 stanzas and one trailing key hint");
            }
        }

        return (stanzas, hintKids);
    }

    private void CheckSenderKey(SigningKeyRecord? record, EnvelopeManifest manifest)
    {
        if (record is null || record.PublicKey.KeyId != manifest.SenderKid)
        {
            EnvelopeException.Throw(EnvelopeError.SenderKeyUnknown);
        }

        if (!AddressCanonicalizer.TryCanonicalize(record.Address, out var owner) || owner != manifest.Sender)
        {
            EnvelopeException.Throw(EnvelopeError.SenderKeyWrongAddress);
        }

        if (record.Revoked)
        {
            EnvelopeException.Throw(EnvelopeError.SenderKeyRevoked);
        }

        var skew = _options.ClockSkew;
        if (manifest.Created < record.NotBefore - skew || (record.NotAfter is { } notAfter && manifest.Created > notAfter + skew))
        {
            EnvelopeException.Throw(EnvelopeError.SenderKeyNotValidAtCreated);
        }

        if (manifest.Created > _options.TimeProvider.GetUtcNow() + skew)
        {
            EnvelopeException.Throw(EnvelopeError.CreatedInFuture);
        }
    }

    private static void CheckRecipientSet(int stanzaCount, KeyId[]? hintKids, EnvelopeManifest manifest)
    {
        if (stanzaCount != manifest.Recipients.Count)
        {
            EnvelopeException.Throw(EnvelopeError.StanzaCountMismatch);
        }

        if (hintKids is null)
        {
            return;
        }

        // Compared as multisets: two recipients may share a key.
        var expected = manifest.Recipients.Select(r => r.Kid).Order().ToArray();
        var hinted = hintKids.Order().ToArray();
        if (!expected.AsSpan().SequenceEqual(hinted))
        {
            EnvelopeException.Throw(EnvelopeError.HintMismatch);
        }
    }
}
