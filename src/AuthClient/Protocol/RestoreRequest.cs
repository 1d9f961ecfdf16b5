namespace MailFilter.AuthClient.Protocol;

/// <summary>POST /v1/admin/restore: a backup file and what opens it.</summary>
public sealed record RestoreRequest
{
    /// <summary>The backup file's bytes.</summary>
    public required byte[] Data { get; init; }

    public string? Passphrase { get; init; }

    /// <summary>An age identity (<c>AGE-SECRET-KEY-1…</c>) for a backup made to an age recipient.</summary>
    public string? Identity { get; init; }
}
