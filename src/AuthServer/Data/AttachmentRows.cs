namespace MailFilter.AuthServer.Data;

/// <summary>A row of attachments (stored content).</summary>
public sealed class AttachmentRow
{
    public long Id { get; set; }

    public byte[] Sha256 { get; set; } = [];

    public long Size { get; set; }

    public string ObjectName { get; set; } = string.Empty;

    public long StoredBytes { get; set; }

    public string State { get; set; } = string.Empty;

    public int Refcount { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime LastUsedAt { get; set; }
}

/// <summary>A grant with the state derived from its columns and the content it serves now.</summary>
public sealed class GrantRow
{
    public long Id { get; set; }

    public long AttachmentId { get; set; }

    public long DocumentId { get; set; }

    public string Follow { get; set; } = "pinned";

    public string Sender { get; set; } = string.Empty;

    public string Recipient { get; set; } = string.Empty;

    public string? MessageId { get; set; }

    public string? QueueId { get; set; }

    public string FileName { get; set; } = string.Empty;

    public string ContentType { get; set; } = string.Empty;

    public bool Encrypted { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime ExpiresAt { get; set; }

    public int? DownloadLimit { get; set; }

    public int Downloads { get; set; }

    public DateTime? LastDownloadAt { get; set; }

    public DateTime? RevokedAt { get; set; }

    public DateTime? ReleasedAt { get; set; }

    /// <summary>live, expired, revoked, exhausted or released.</summary>
    public string State { get; set; } = string.Empty;

    /// <summary>The content the grant was created with.</summary>
    public byte[] Sha256 { get; set; } = [];

    public long Size { get; set; }

    /// <summary>The content a download serves now (the newest version for a "latest" grant).</summary>
    public long ServedId { get; set; }

    public byte[] ServedSha256 { get; set; } = [];

    public long ServedSize { get; set; }

    public string ServedObjectName { get; set; } = string.Empty;
}

public sealed class VersionRow
{
    public int Version { get; set; }

    public byte[] Sha256 { get; set; } = [];

    public long Size { get; set; }

    public DateTime PublishedAt { get; set; }
}
