namespace MailFilter.AuthServer.Data;

/// <summary>What a login reads: the user's id, hash and list version.</summary>
public sealed class LoginRow
{
    public long Id { get; set; }

    public string Name { get; set; } = string.Empty;

    public string PasswordHash { get; set; } = string.Empty;

    public long WhitelistVersion { get; set; }
}
