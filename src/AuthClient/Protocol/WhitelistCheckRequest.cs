namespace MailFilter.AuthClient.Protocol;

/// <summary><c>POST /v1/whitelist/check</c> (service role): is the recipient on the list of the user sending as the sender?</summary>
public sealed record WhitelistCheckRequest
{
    public string? Sender { get; init; }

    public string? Recipient { get; init; }
}
