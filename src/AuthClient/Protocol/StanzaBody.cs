namespace MailFilter.AuthClient.Protocol;

/// <summary>One age X25519 stanza of an envelope header: public values only.</summary>
public sealed record StanzaBody
{
    /// <summary>The 32-byte ephemeral share.</summary>
    public required byte[] Share { get; init; }

    /// <summary>The 32-byte wrapped file key (ciphertext and tag).</summary>
    public required byte[] Body { get; init; }
}
