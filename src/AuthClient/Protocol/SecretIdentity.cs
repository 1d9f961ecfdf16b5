namespace MailFilter.AuthClient.Protocol;

/// <summary>An exported X25519 identity: the key's public facts and its <c>AGE-SECRET-KEY-1…</c> form.</summary>
public sealed record SecretIdentity
{
    public required KeyInfo Key { get; init; }

    /// <summary>The secret: write it where it belongs, never to a log.</summary>
    public required string Identity { get; init; }
}
