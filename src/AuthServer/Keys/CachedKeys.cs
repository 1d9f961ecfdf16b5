using MailFilter.AuthServer.Data;
using MailFilter.Crypto.Keys;

namespace MailFilter.AuthServer.Keys;

/// <summary>
/// The unsealed keys of one (address, use), as the hot paths need them: the current signing key, or every
/// decryption key (current first, then newest first, revoked ones included: they still open the
/// recipient's old mail). The private keys sit in sodium memory; an entry dropped from the cache is freed
/// (and zeroed) by its SafeHandle's finalizer rather than disposed, because a request may still be using it.
/// </summary>
public sealed class CachedKeys
{
    public CachedKeys(IReadOnlyList<KeyRow> rows, Ed25519PrivateKey? signer, KeyRow? signerRow, X25519PrivateKey[] decryptors, DateTime loadedAt)
    {
        Rows = rows;
        Signer = signer;
        SignerRow = signerRow;
        Decryptors = decryptors;
        LoadedAt = loadedAt;
        SignerKid = signerRow is null ? null : KeyId.FromBytes(signerRow.Kid).ToString();
    }

    public IReadOnlyList<KeyRow> Rows { get; }

    public Ed25519PrivateKey? Signer { get; }

    public KeyRow? SignerRow { get; }

    public string? SignerKid { get; }

    public X25519PrivateKey[] Decryptors { get; }

    public DateTime LoadedAt { get; }
}
