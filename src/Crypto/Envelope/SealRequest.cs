namespace MailFilter.Crypto.Envelope;

/// <summary>What one envelope is sealed for. Each Bcc recipient gets its own envelope (§3.6 step 2): the caller splits.</summary>
public sealed record SealRequest
{
    /// <summary>The sender's address (the signing key's owner); canonicalized into the manifest.</summary>
    public required string Sender { get; init; }

    /// <summary>The message's Message-ID, with or without angle brackets.</summary>
    public required string MessageId { get; init; }

    /// <summary>The sealing time (whole seconds are kept).</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>1..1000 recipients, each with its X25519 key.</summary>
    public required IReadOnlyList<EnvelopeRecipient> Recipients { get; init; }

    /// <summary>The content's length in bytes; when null the content stream must be seekable and its remaining length is used.</summary>
    public long? ContentLength { get; init; }
}
