namespace MailFilter.AuthServer.Data;

/// <summary>The RCPT-time lookup's answer: the sender's user, its list version, whether the recipient is listed.</summary>
public sealed class WhitelistCheckRow
{
    public string Name { get; set; } = string.Empty;

    public long WhitelistVersion { get; set; }

    public bool Listed { get; set; }
}
