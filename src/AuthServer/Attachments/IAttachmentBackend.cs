namespace MailFilter.AuthServer.Attachments;

/// <summary>
/// Where encrypted objects live (docs/attachments.md §2): the filesystem (default) or an S3-compatible store. A backend
/// knows nothing of plaintext, hashes or grants: it writes an object atomically (readers see all of it or none),
/// reads a byte range of it, and deletes it. Failures are <see cref="StoreFullException"/> (no space) or
/// <see cref="StoreUnavailableException"/> (anything else that fails).
/// </summary>
public interface IAttachmentBackend : IDisposable
{
    /// <summary>"filesystem" or "s3".</summary>
    string Kind { get; }

    /// <summary>Writes the object <paramref name="name"/> of exactly <paramref name="length"/> bytes with <paramref name="write"/>; if it throws, nothing is left behind.</summary>
    Task WriteAsync(string name, long length, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken);

    /// <summary>A stream of <paramref name="length"/> bytes of the object from <paramref name="offset"/>. Throws <see cref="StoreUnavailableException"/> when the object is missing.</summary>
    Task<Stream> OpenReadAsync(string name, long offset, long length, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(string name, CancellationToken cancellationToken);

    /// <summary>Deletes the object; deleting a missing object is no error.</summary>
    Task DeleteAsync(string name, CancellationToken cancellationToken);
}

/// <summary>The store has no room (disk full, or the backend says so).</summary>
public sealed class StoreFullException : Exception
{
    public StoreFullException()
        : base("the attachment store is full")
    {
    }

    public StoreFullException(string message)
        : base(message)
    {
    }

    public StoreFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The store's backend fails or does not answer.</summary>
public sealed class StoreUnavailableException : Exception
{
    public StoreUnavailableException()
        : base("the attachment store is unavailable")
    {
    }

    public StoreUnavailableException(string message)
        : base(message)
    {
    }

    public StoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
