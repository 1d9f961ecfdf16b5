namespace MailFilter.Filter.Milter.Stages;

/// <summary>
/// What the links stage needs of the attachment store (mailfilter-authd's <c>/v1/attachments</c>, docs/attachments.md):
/// whether content is stored already, storing it, and granting each recipient a link. The production implementation is
/// <see cref="AuthdAttachmentStore"/>; a store that is full or unavailable throws <see cref="AttachmentStoreException"/>.
/// </summary>
public interface IAttachmentStore
{
    /// <summary>True when content with this SHA-256 (lowercase hex of the decoded bytes) is stored.</summary>
    Task<bool> HasAsync(string sha256, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="length"/> bytes of <paramref name="content"/> under <paramref name="sha256"/>
    /// (the store checks the hash while it writes).</summary>
    Task PutAsync(string sha256, Stream content, long length, CancellationToken cancellationToken);

    /// <summary>One grant per (recipient, file); the answer has one link for each.</summary>
    Task<IReadOnlyList<GrantedLink>> CreateGrantsAsync(LinkGrantRequest request, CancellationToken cancellationToken);
}

/// <summary>One file taken out of a message: its content hash, the name the sender gave it, its media type and decoded size.</summary>
public sealed record LinkedFile(string Sha256, string FileName, string ContentType, long Size);

/// <summary>The grants for one message: every recipient gets a link to every file.</summary>
public sealed record LinkGrantRequest(string Sender, string? MessageId, string QueueId, bool Encrypted,
    IReadOnlyList<string> Recipients, IReadOnlyList<LinkedFile> Files, bool FollowLatest);

/// <summary>One recipient's link to one file.</summary>
public sealed record GrantedLink(string Recipient, string Sha256, string FileName, string Url, DateTimeOffset Expires);

/// <summary>Why the attachment store could not take a file.</summary>
public enum AttachmentStoreFailure
{
    /// <summary>Over quota or out of disk (authd: 507 store_full).</summary>
    Full,

    /// <summary>The store's backend, or mailfilter-authd itself, cannot be reached or failed (503 store_unavailable).</summary>
    Unavailable,
}

/// <summary>The attachment store is full or unavailable: the links stage applies <c>links_store_failure</c>.</summary>
public sealed class AttachmentStoreException : Exception
{
    public AttachmentStoreException(AttachmentStoreFailure failure, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
    }

    public AttachmentStoreException()
        : this(AttachmentStoreFailure.Unavailable, "the attachment store is unavailable")
    {
    }

    public AttachmentStoreException(string message)
        : this(AttachmentStoreFailure.Unavailable, message)
    {
    }

    public AttachmentStoreException(string message, Exception innerException)
        : this(AttachmentStoreFailure.Unavailable, message, innerException)
    {
    }

    public AttachmentStoreFailure Failure { get; }
}
