namespace MailFilter.AuthClient.Protocol;

/// <summary><c>POST /v1/admin/whitelist/add</c>: adds entries, or edits the entry with the same target.</summary>
public sealed record WhitelistAddRequest
{
    public string? User { get; init; }

    public IReadOnlyList<WhitelistEntry>? Entries { get; init; }
}
