namespace MailFilter.AuthClient.Protocol;

/// <summary>The RCPT-time decision's input: the sender's user (null: none), its list version, whether the recipient is listed.</summary>
public sealed record WhitelistCheckResponse
{
    public string? User { get; init; }

    public long Version { get; init; }

    public bool Listed { get; init; }
}
