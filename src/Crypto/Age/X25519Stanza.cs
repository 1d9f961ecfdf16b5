namespace MailFilter.Crypto.Age;

/// <summary>
/// One age X25519 recipient stanza, decoded: the sender's ephemeral share and the wrapped file key
/// (16 bytes of ciphertext and a 16-byte tag). This is what mailfilterd sends to mailfilter-authd to
/// have a file key unwrapped; it contains nothing secret.
/// </summary>
public sealed class X25519Stanza
{
    /// <summary>The age stanza type.</summary>
    public const string Type = "X25519";

    /// <summary>Bytes in the ephemeral share.</summary>
    public const int ShareSize = 32;

    /// <summary>Bytes in the body (wrapped file key and tag).</summary>
    public const int BodySize = 32;

    private readonly byte[] _share;
    private readonly byte[] _body;

    /// <summary>Builds a stanza from its two fields; both must be 32 bytes.</summary>
    public X25519Stanza(ReadOnlySpan<byte> ephemeralShare, ReadOnlySpan<byte> body)
    {
        if (ephemeralShare.Length != ShareSize || body.Length != BodySize)
        {
            throw new ArgumentException("an X25519 stanza has a 32-byte share and a 32-byte body");
        }

        _share = ephemeralShare.ToArray();
        _body = body.ToArray();
    }

    public ReadOnlySpan<byte> EphemeralShare => _share;

    public ReadOnlySpan<byte> Body => _body;
}
