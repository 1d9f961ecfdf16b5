namespace MailFilter.AuthClient.Protocol;

/// <summary>POST /v1/admin/backup: every key, encrypted to a passphrase (Argon2id) or to age recipients (docs/authd-api.md §5).</summary>
public sealed record BackupRequest
{
    public string? Passphrase { get; init; }

    /// <summary>age recipients (<c>age1…</c>); the backup is then a plain age file.</summary>
    public IReadOnlyList<string>? Recipients { get; init; }
}
