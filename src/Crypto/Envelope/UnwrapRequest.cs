using System.Security.Cryptography;
using MailFilter.Crypto.Age;
using MailFilter.Crypto.Keys;

namespace MailFilter.Crypto.Envelope;

/// <summary>
/// The public part of an envelope header that a key holder needs to unwrap the file key: every X25519
/// stanza and, when present, the hint's kids in stanza order. mailfilterd sends this to
/// mailfilter-authd, which answers with <see cref="TryUnwrap"/> over the recipient's keys.
/// </summary>
public sealed class UnwrapRequest
{
    public UnwrapRequest(IReadOnlyList<X25519Stanza> stanzas, IReadOnlyList<KeyId>? hintKids)
    {
        ArgumentNullException.ThrowIfNull(stanzas);
        Stanzas = stanzas;
        HintKids = hintKids;
    }

    public IReadOnlyList<X25519Stanza> Stanzas { get; }

    /// <summary>The hint's kids, or null when the header has no hint. Not authenticated yet: used only to choose the order of attempts.</summary>
    public IReadOnlyList<KeyId>? HintKids { get; }

    /// <summary>
    /// Tries the recipient's keys (current and previous) as receive step 4 prescribes: each key first
    /// on the stanza the hint names for it, then every stanza. Returns null if none opens; an all-zero
    /// shared secret throws <see cref="EnvelopeException"/> (ZeroSharedSecret).
    /// </summary>
    public UnwrappedFileKey? TryUnwrap(IReadOnlyList<X25519PrivateKey> keys)
    {
        Span<byte> fileKey = stackalloc byte[FileKey.Size];
        try
        {
            return TryUnwrap(keys, fileKey, out var kid, out int index) ? new UnwrappedFileKey(FileKey.Import(fileKey), kid, index) : null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(fileKey);
        }
    }

    /// <summary>
    /// As <see cref="TryUnwrap(IReadOnlyList{X25519PrivateKey})"/>, writing the file key to
    /// <paramref name="fileKey"/> (16 bytes): mailfilter-authd's form, which puts it straight into its
    /// reply. The caller zeroes the destination.
    /// </summary>
    public bool TryUnwrap(IReadOnlyList<X25519PrivateKey> keys, Span<byte> fileKey, out KeyId recipientKid, out int stanzaIndex)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var tried = new HashSet<(int Stanza, int Key)>();
        if (HintKids is { } hint && hint.Count == Stanzas.Count)
        {
            for (int k = 0; k < keys.Count; k++)
            {
                for (int s = 0; s < hint.Count; s++)
                {
                    if (hint[s] == keys[k].KeyId && tried.Add((s, k)) && AgeX25519.TryUnwrap(Stanzas[s], keys[k], fileKey))
                    {
                        (recipientKid, stanzaIndex) = (keys[k].KeyId, s);
                        return true;
                    }
                }
            }
        }

        for (int s = 0; s < Stanzas.Count; s++)
        {
            for (int k = 0; k < keys.Count; k++)
            {
                if (tried.Add((s, k)) && AgeX25519.TryUnwrap(Stanzas[s], keys[k], fileKey))
                {
                    (recipientKid, stanzaIndex) = (keys[k].KeyId, s);
                    return true;
                }
            }
        }

        (recipientKid, stanzaIndex) = (default, -1);
        return false;
    }
}
