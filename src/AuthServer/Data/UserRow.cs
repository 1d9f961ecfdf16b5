namespace MailFilter.AuthServer.Data;

/// <summary>A users row with its addresses and live entry count (never the password hash).</summary>
public sealed class UserRow
{
    public long Id { get; set; }

    public string Name { get; set; } = string.Empty;

    public string Kind { get; set; } = string.Empty;

    public long WhitelistVersion { get; set; }

    public DateTime CreatedAt { get; set; }

    public string[] Addresses { get; set; } = [];

    public long Entries { get; set; }
}
