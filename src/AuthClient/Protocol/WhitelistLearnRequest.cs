namespace MailFilter.AuthClient.Protocol;

/// <summary><c>POST /v1/whitelist/learn</c> (service role): verified mail from <see cref="Contact"/> was delivered to <see cref="Recipient"/> (docs/whitelist.md §6).</summary>
public sealed record WhitelistLearnRequest
{
    /// <summary>The local recipient: the user who sends as this address learns.</summary>
    public string? Recipient { get; init; }

    /// <summary>The verified sender (the signer, the single From address).</summary>
    public string? Contact { get; init; }
}
