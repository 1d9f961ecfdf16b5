namespace MailFilter.AuthServer.Data;

/// <summary>A whitelist_entries row.</summary>
public sealed class WhitelistEntryRow
{
    public string TargetKind { get; set; } = string.Empty;

    public string Target { get; set; } = string.Empty;

    public string? Name { get; set; }

    public string? Nickname { get; set; }

    public string? Notes { get; set; }

    public long Version { get; set; }

    public DateTime? RemovedAt { get; set; }

    /// <summary>Added by learning and not edited since.</summary>
    public bool Learned { get; set; }
}
