using MailFilter.Crypto.Keys;

namespace MailFilter.Crypto.Envelope;

/// <summary>A file key unwrapped for a recipient, with the kid of the key that opened it (checked against the manifest in step 12).</summary>
public sealed class UnwrappedFileKey(FileKey fileKey, KeyId recipientKid, int stanzaIndex) : IDisposable
{
    /// <summary>The file key; disposed with this object.</summary>
    public FileKey FileKey { get; } = fileKey ?? throw new ArgumentNullException(nameof(fileKey));

    /// <summary>The kid of the recipient's X25519 key that unwrapped it.</summary>
    public KeyId RecipientKid { get; } = recipientKid;

    /// <summary>The index of the stanza that opened.</summary>
    public int StanzaIndex { get; } = stanzaIndex;

    public void Dispose() => FileKey.Dispose();
}
