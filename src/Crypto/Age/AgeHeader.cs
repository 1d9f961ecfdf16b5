namespace MailFilter.Crypto.Age;

/// <summary>A parsed age v1 header and where its MAC input ends.</summary>
internal sealed class AgeHeader(IReadOnlyList<AgeStanza> stanzas, byte[] mac, int macInputLength, byte[] bytes)
{
    public IReadOnlyList<AgeStanza> Stanzas { get; } = stanzas;

    /// <summary>The 32-byte HMAC-SHA-256 from the <c>---</c> line.</summary>
    public byte[] Mac { get; } = mac;

    /// <summary>Bytes covered by the MAC: from the first byte through <c>---</c> (age v1 spec).</summary>
    public int MacInputLength { get; } = macInputLength;

    /// <summary>The whole header, through the LF after the MAC.</summary>
    public byte[] Bytes { get; } = bytes;
}
