namespace MailFilter.AuthClient.Protocol;

/// <summary>The answer to <c>PUT /v1/attachments/{sha256}</c>: the content is stored (201: now; 200: it was there).</summary>
public sealed record StoredAttachment
{
    public required string Sha256 { get; init; }

    public required long Size { get; init; }
}

/// <summary>One file of a <see cref="GrantRequest"/>: stored content (by SHA-256) and how the recipients see it.</summary>
public sealed record GrantFile
{
    public required string Sha256 { get; init; }

    /// <summary>The file name the link carries and the download must name (UTF-8, 1-255 bytes, no '/', '\\' or control characters).</summary>
    public required string FileName { get; init; }

    public string? ContentType { get; init; }

    public required long Size { get; init; }

    /// <summary><c>"pinned"</c> (default: the exact content sent) or <c>"latest"</c> (the newest published version).</summary>
    public string? Follow { get; init; }
}

/// <summary><c>POST /v1/attachments/grants</c>: one grant per (recipient, file), written with the reference counts in one transaction.</summary>
public sealed record GrantRequest
{
    public required string Sender { get; init; }

    public string? MessageId { get; init; }

    public string? QueueId { get; init; }

    /// <summary>The message is encrypted: downloads also need proof of the recipient's mailbox (docs/attachments.md §6).</summary>
    public bool Encrypted { get; init; }

    public required IReadOnlyList<string> Recipients { get; init; }

    public required IReadOnlyList<GrantFile> Files { get; init; }

    /// <summary>Null: <c>[attachments] expiry_days</c>.</summary>
    public int? ExpiresInDays { get; init; }

    /// <summary>Null: <c>[attachments] download_limit</c> (default none).</summary>
    public int? DownloadLimit { get; init; }
}

/// <summary>One recipient's link to one file.</summary>
public sealed record AttachmentLink
{
    public required string Recipient { get; init; }

    public required string Sha256 { get; init; }

    public required string FileName { get; init; }

    /// <summary><c>&lt;link_base_url&gt;/a/&lt;token&gt;/&lt;percent-encoded file name&gt;</c>; the token is in no other answer.</summary>
    public required string Url { get; init; }

    public required DateTimeOffset Expires { get; init; }
}

public sealed record GrantResponse
{
    public required IReadOnlyList<AttachmentLink> Links { get; init; }
}

/// <summary>A grant as the admin sees it (never its token).</summary>
public sealed record GrantInfo
{
    public required long Id { get; init; }

    public required string Sender { get; init; }

    public required string Recipient { get; init; }

    public string? MessageId { get; init; }

    public string? QueueId { get; init; }

    public required string FileName { get; init; }

    public required string ContentType { get; init; }

    /// <summary>The content sent (pinned), lowercase hex.</summary>
    public required string Sha256 { get; init; }

    public required long Size { get; init; }

    /// <summary>"pinned" or "latest".</summary>
    public required string Follow { get; init; }

    /// <summary>What a download serves now (differs from <see cref="Sha256"/> for a "latest" grant after a new version).</summary>
    public required string ServedSha256 { get; init; }

    public required bool Encrypted { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required DateTimeOffset Expires { get; init; }

    public int? DownloadLimit { get; init; }

    public required int Downloads { get; init; }

    public DateTimeOffset? LastDownload { get; init; }

    public DateTimeOffset? Revoked { get; init; }

    /// <summary>"live", "expired", "revoked", "exhausted" (download limit reached) or "released" (collected: its content reference is gone).</summary>
    public required string State { get; init; }
}

public sealed record GrantList
{
    public required IReadOnlyList<GrantInfo> Grants { get; init; }
}

/// <summary>One version of a published document.</summary>
public sealed record AttachmentVersion
{
    public required int Version { get; init; }

    public required string Sha256 { get; init; }

    public required long Size { get; init; }

    public required DateTimeOffset Published { get; init; }
}

/// <summary>Stored content as the admin sees it.</summary>
public sealed record AttachmentInfo
{
    public required string Sha256 { get; init; }

    public required long Size { get; init; }

    /// <summary>Live references: unreleased grants that sent it, and versions of live documents.</summary>
    public required int RefCount { get; init; }

    /// <summary>The name of the encrypted object in the store (a keyed hash: it does not reveal the SHA-256).</summary>
    public required string ObjectName { get; init; }

    public required DateTimeOffset Stored { get; init; }

    public required DateTimeOffset LastUsed { get; init; }
}

/// <summary><c>GET /v1/admin/attachments/show</c>: a grant (with its content and the document's versions), or content by hash.</summary>
public sealed record AttachmentDetail
{
    public GrantInfo? Grant { get; init; }

    /// <summary>The stored content (the grant's, as sent); null when the garbage collector deleted it after the grant was released.</summary>
    public AttachmentInfo? Attachment { get; init; }

    public IReadOnlyList<AttachmentVersion>? Versions { get; init; }
}

/// <summary>Revoke or extend grants: by id, or every grant of a message (<see cref="MessageId"/>), sender, or recipient.</summary>
public sealed record GrantChangeRequest
{
    public IReadOnlyList<long>? Ids { get; init; }

    public string? MessageId { get; init; }

    public string? Sender { get; init; }

    public string? Recipient { get; init; }

    /// <summary>extend: days added to the current expiry (or from now, for an expired grant).</summary>
    public int? Days { get; init; }

    /// <summary>extend: a new download limit (0 = none).</summary>
    public int? DownloadLimit { get; init; }
}

public sealed record GrantChangeResponse
{
    public required int Changed { get; init; }

    public required IReadOnlyList<GrantInfo> Grants { get; init; }
}

/// <summary>What one garbage collection did (docs/attachments.md §9).</summary>
public sealed record GcResponse
{
    public required int GrantsReleased { get; init; }

    public required int DocumentsReleased { get; init; }

    public required int AttachmentsDeleted { get; init; }

    public required long BytesFreed { get; init; }

    public required int ProofsDeleted { get; init; }

    public required bool DryRun { get; init; }
}

/// <summary>The store's use against its quota.</summary>
public sealed record UsageResponse
{
    public required string Backend { get; init; }

    public required int Attachments { get; init; }

    /// <summary>Plaintext bytes of the stored content (what the quota counts).</summary>
    public required long Bytes { get; init; }

    /// <summary>Bytes in the store (the encrypted objects, with their tags).</summary>
    public required long StoredBytes { get; init; }

    /// <summary>Null: no quota.</summary>
    public long? Quota { get; init; }

    public required int LiveGrants { get; init; }

    public required int Grants { get; init; }

    /// <summary>Content no live grant or version needs (GC deletes it after the grace period).</summary>
    public required int Unreferenced { get; init; }

    public required long Downloads { get; init; }
}

/// <summary>The answer to a publish: the document's versions, newest last.</summary>
public sealed record PublishResponse
{
    public required long Document { get; init; }

    public required IReadOnlyList<AttachmentVersion> Versions { get; init; }

    /// <summary>"latest" grants that now serve the new version.</summary>
    public required int FollowingGrants { get; init; }
}
