namespace MailFilter.AuthClient.Protocol;

/// <summary><c>POST /v1/conflicts/observe</c> (service role): one signature claim seen at delivery (docs/conflicts.md §1).</summary>
public sealed record ObservationRequest
{
    /// <summary>The signer identity the message names (the signature header's <c>i=</c>, the envelope's sender).</summary>
    public string? Identity { get; init; }

    /// <summary>The kid the message names (22 characters).</summary>
    public string? Kid { get; init; }

    /// <summary>The sending host's address as Postfix reported it (XFORWARD ADDR); null when unknown.</summary>
    public string? ClientAddress { get; init; }

    /// <summary>The sending host's HELO name (XFORWARD HELO); null when unknown.</summary>
    public string? Helo { get; init; }

    /// <summary>The delivery's recipient.</summary>
    public string? Recipient { get; init; }

    /// <summary>Postfix's queue id, for the log lines.</summary>
    public string? QueueId { get; init; }

    /// <summary>Whether the signature verified.</summary>
    public bool Verified { get; init; }
}
