using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;

namespace MailFilter.Filter.Milter.Stages;

/// <summary>
/// What the links stage needs of the attachment store (mailfilter-authd's <c>/v1/attachments</c>, docs/attachments.md):
/// whether content is stored already, storing it, and granting each recipient a link. <see cref="AuthdAttachmentStore"/>
/// is the real one. A store that is full or unavailable throws an <see cref="AttachmentStoreException"/>
/// (<see cref="AttachmentStoreFullException"/>, <see cref="AttachmentStoreUnavailableException"/>); authd itself not
/// answering, an <see cref="AuthdUnavailableException"/>.
/// </summary>
public interface IAttachmentStore
{
    /// <summary>True when content with this SHA-256 (lowercase hex of the decoded bytes) is stored.</summary>
    Task<bool> HasAsync(string sha256, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="length"/> bytes of <paramref name="content"/> under <paramref name="sha256"/>
    /// (the store checks the hash while it writes).</summary>
    Task PutAsync(string sha256, Stream content, long length, CancellationToken cancellationToken);

    /// <summary>One grant per (recipient, file); the answer has one link for each.</summary>
    Task<IReadOnlyList<AttachmentLink>> CreateGrantsAsync(GrantRequest request, CancellationToken cancellationToken);
}

/// <summary>The attachment store of mailfilter-authd, through its API socket.</summary>
public sealed class AuthdAttachmentStore(AuthdClient authd) : IAttachmentStore
{
    public Task<bool> HasAsync(string sha256, CancellationToken cancellationToken) => authd.HasAttachmentAsync(sha256, cancellationToken);

    public Task PutAsync(string sha256, Stream content, long length, CancellationToken cancellationToken) =>
        authd.PutAttachmentAsync(sha256, content, length, cancellationToken);

    public Task<IReadOnlyList<AttachmentLink>> CreateGrantsAsync(GrantRequest request, CancellationToken cancellationToken) =>
        authd.CreateGrantsAsync(request, cancellationToken);
}
