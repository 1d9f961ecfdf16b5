using System.Security.Cryptography;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Keys;

namespace MailFilter.Crypto.Age;

/// <summary>
/// Plain age v1 files with X25519 recipients, readable and writable by the age CLI: for backups to an
/// age recipient and emergency tooling. Decryption here releases plaintext chunk by chunk as age
/// does; envelopes are opened with <see cref="EnvelopeOpener"/>, which releases nothing early.
/// </summary>
public static class AgeFile
{
    /// <summary>Encrypts <paramref name="plaintext"/> to every recipient (one X25519 stanza each).</summary>
    public static async Task EncryptAsync(
        Stream plaintext, Stream output, IReadOnlyList<X25519PublicKey> recipients, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(recipients);
        if (recipients.Count == 0)
        {
            throw new ArgumentException("at least one recipient", nameof(recipients));
        }

        using var fileKey = FileKey.Generate();
        var stanzas = recipients.Select(r => AgeX25519.ToAgeStanza(AgeX25519.Wrap(fileKey, r))).ToArray();
        var header = AgeHeaderWriter.Write(stanzas, fileKey);
        await output.WriteAsync(header, cancellationToken).ConfigureAwait(false);
        using var writer = new AgePayloadWriter(output, fileKey, RandomNumberGenerator.GetBytes(AgeFormat.NonceSize));
        while (true)
        {
            await writer.EnsureSpaceAsync(cancellationToken).ConfigureAwait(false);
            int read = await plaintext.ReadAsync(writer.GetFreeMemory(), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            writer.Advance(read);
        }

        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Decrypts an age file with any of <paramref name="identities"/>. Stanzas of other types are
    /// skipped, as age does. Throws <see cref="EnvelopeException"/> with the reason on any failure.
    /// </summary>
    public static async Task DecryptAsync(
        Stream input, Stream output, IReadOnlyList<X25519PrivateKey> identities, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(identities);
        var (header, leftover) = await AgeHeaderReader.ReadAsync(input, AgeLimits.Envelope, cancellationToken).ConfigureAwait(false);
        using var fileKey = Unwrap(header, identities);
        Span<byte> mac = stackalloc byte[AgeFormat.MacSize];
        AgeFormat.ComputeMac(fileKey, header.Bytes.AsSpan(0, header.MacInputLength), mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, header.Mac))
        {
            EnvelopeException.Throw(EnvelopeError.HeaderMacMismatch);
        }

        using var reader = new AgePayloadReader(input, fileKey, leftover);
        while (await reader.ReadChunkAsync(cancellationToken).ConfigureAwait(false))
        {
            await output.WriteAsync(reader.Current, cancellationToken).ConfigureAwait(false);
        }
    }

    private static FileKey Unwrap(AgeHeader header, IReadOnlyList<X25519PrivateKey> identities)
    {
        foreach (var stanza in header.Stanzas)
        {
            if (stanza.Type != X25519Stanza.Type)
            {
                continue;
            }

            var x25519 = AgeX25519.FromAgeStanza(stanza);
            foreach (var identity in identities)
            {
                var fileKey = AgeX25519.TryUnwrap(x25519, identity);
                if (fileKey is not null)
                {
                    return fileKey;
                }
            }
        }

        EnvelopeException.Throw(EnvelopeError.NoMatchingRecipient);
        return null;
    }
}
