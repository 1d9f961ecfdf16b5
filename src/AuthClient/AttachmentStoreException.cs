namespace MailFilter.AuthClient;

/// <summary>
/// The attachment store cannot take the content now: <see cref="AttachmentStoreFullException"/> (507
/// <c>store_full</c>: over <c>[attachments] quota</c> or the disk is full) or
/// <see cref="AttachmentStoreUnavailableException"/> (503 <c>store_unavailable</c>: the backend fails).
/// mailfilterd maps both to its <c>links_store_failure</c> policy (tempfail, or keep the attachment inline).
/// </summary>
public abstract class AttachmentStoreException : AuthdException
{
    protected AttachmentStoreException(string errorCode, string message, int? statusCode, Exception? innerException = null)
        : base(errorCode, message, statusCode, innerException)
    {
    }
}

/// <summary>507 <c>store_full</c>: the store is over its quota or out of space.</summary>
public sealed class AttachmentStoreFullException : AttachmentStoreException
{
    public const string Code = "store_full";

    public AttachmentStoreFullException(string message, int? statusCode = 507, Exception? innerException = null)
        : base(Code, message, statusCode, innerException)
    {
    }

    public AttachmentStoreFullException()
        : this("the attachment store is full")
    {
    }

    public AttachmentStoreFullException(string message, Exception innerException)
        : this(message, 507, innerException)
    {
    }

    public AttachmentStoreFullException(string message)
        : this(message, 507, null)
    {
    }
}

/// <summary>503 <c>store_unavailable</c>: the store's backend (disk, S3) fails or does not answer.</summary>
public sealed class AttachmentStoreUnavailableException : AttachmentStoreException
{
    public const string Code = "store_unavailable";

    public AttachmentStoreUnavailableException(string message, int? statusCode = 503, Exception? innerException = null)
        : base(Code, message, statusCode, innerException)
    {
    }

    public AttachmentStoreUnavailableException()
        : this("the attachment store is unavailable")
    {
    }

    public AttachmentStoreUnavailableException(string message, Exception innerException)
        : this(message, 503, innerException)
    {
    }

    public AttachmentStoreUnavailableException(string message)
        : this(message, 503, null)
    {
    }
}
