namespace MailFilter.AuthClient.Protocol;

/// <summary>POST /v1/unwrap: open a file key with the recipient's X25519 keys (docs/envelope.md §6 step 4).</summary>
public sealed record UnwrapRequestBody
{
    public required string Address { get; init; }

    /// <summary>Every X25519 stanza of the header, in header order (at most 1,000).</summary>
    public required IReadOnlyList<StanzaBody> Stanzas { get; init; }

    /// <summary>The hint's kids in stanza order, or null when the header has none.</summary>
    public IReadOnlyList<string>? Hint { get; init; }
}
