using System.Net;
using System.Net.Http.Headers;
using MailFilter.AuthClient.Protocol;

namespace MailFilter.AuthClient;

/// <summary>
/// The attachment calls (docs/attachments.md §7): content and grants (service role: mailfilterd), and the
/// administration of grants, versions and the store (admin role: mailfilterctl attachments).
/// </summary>
public sealed partial class AuthdClient
{
    /// <summary>Is this content (lowercase hex SHA-256 of the plaintext) stored? Ask before <see cref="PutAttachmentAsync"/>: identical content is never uploaded twice.</summary>
    public async Task<bool> HasAttachmentAsync(string sha256, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await SendRawAsync<object>(HttpMethod.Head, AttachmentRoutes.ContentPath(sha256), null, null, Options.RequestTimeout, cancellationToken)
                .ConfigureAwait(false);
            return true;
        }
        catch (AuthdRequestException e) when (e.StatusCode == (int)HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>
    /// Stores <paramref name="length"/> bytes of <paramref name="content"/> under their SHA-256. authd hashes while
    /// storing and refuses a mismatch (<see cref="AuthdRequestException"/> <c>hash_mismatch</c>). Throws
    /// <see cref="AttachmentStoreFullException"/> or <see cref="AttachmentStoreUnavailableException"/> when the store cannot take it.
    /// </summary>
    public async Task<StoredAttachment> PutAttachmentAsync(string sha256, Stream content, long length, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return await PutContentAsync(AttachmentRoutes.ContentPath(sha256), content, length, AttachmentJson.Default.StoredAttachment, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One grant per (recipient, file) and the recipients' links. Unknown content: <see cref="AuthdRequestException"/> <c>unknown-attachment</c> (404): upload it first.</summary>
    public async Task<IReadOnlyList<AttachmentLink>> CreateGrantsAsync(GrantRequest request, CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Post, AttachmentRoutes.Grants, request, AttachmentJson.Default.GrantRequest, AttachmentJson.Default.GrantResponse,
            Options.RequestTimeout, cancellationToken).ConfigureAwait(false)).Links;

    /// <summary>Grants, newest first (admin). <paramref name="state"/>: live, expired, revoked, exhausted, released.</summary>
    public async Task<IReadOnlyList<GrantInfo>> ListGrantsAsync(string? sender = null, string? recipient = null, string? sha256 = null, string? state = null,
        int? limit = null, CancellationToken cancellationToken = default) =>
        (await SendAsync<object, GrantList>(HttpMethod.Get,
            WithQuery(AttachmentRoutes.AdminList, ("sender", sender), ("recipient", recipient), ("sha256", sha256), ("state", state),
                ("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            null, null, AttachmentJson.Default.GrantList, Options.RequestTimeout, cancellationToken).ConfigureAwait(false)).Grants;

    /// <summary>One grant by id (with its content and versions); null if unknown.</summary>
    public Task<AttachmentDetail?> GetGrantAsync(long id, CancellationToken cancellationToken = default) =>
        SendOrNullAsync<object, AttachmentDetail>(HttpMethod.Get, AttachmentRoutes.AdminShow + "?id=" + id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            null, null, AttachmentJson.Default.AttachmentDetail, cancellationToken);

    /// <summary>Stored content by its SHA-256; null if not stored.</summary>
    public Task<AttachmentDetail?> GetAttachmentAsync(string sha256, CancellationToken cancellationToken = default) =>
        SendOrNullAsync<object, AttachmentDetail>(HttpMethod.Get, AttachmentRoutes.AdminShow + "?sha256=" + Uri.EscapeDataString(sha256),
            null, null, AttachmentJson.Default.AttachmentDetail, cancellationToken);

    public Task<GrantChangeResponse> RevokeGrantsAsync(GrantChangeRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, AttachmentRoutes.AdminRevoke, request, AttachmentJson.Default.GrantChangeRequest, AttachmentJson.Default.GrantChangeResponse,
            Options.RequestTimeout, cancellationToken);

    public Task<GrantChangeResponse> ExtendGrantsAsync(GrantChangeRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, AttachmentRoutes.AdminExtend, request, AttachmentJson.Default.GrantChangeRequest, AttachmentJson.Default.GrantChangeResponse,
            Options.RequestTimeout, cancellationToken);

    /// <summary>Runs the garbage collector now (authd also runs it every <c>[attachments] gc_interval</c>).</summary>
    public Task<GcResponse> CollectGarbageAsync(bool dryRun = false, CancellationToken cancellationToken = default) =>
        SendAsync<object, GcResponse>(HttpMethod.Post, AttachmentRoutes.AdminGc + (dryRun ? "?dryRun=true" : string.Empty), null, null,
            AttachmentJson.Default.GcResponse, Options.AdminTimeout, cancellationToken);

    public Task<UsageResponse> GetAttachmentUsageAsync(CancellationToken cancellationToken = default) =>
        SendAsync<object, UsageResponse>(HttpMethod.Get, AttachmentRoutes.AdminUsage, null, null, AttachmentJson.Default.UsageResponse, Options.RequestTimeout, cancellationToken);

    /// <summary>
    /// Publishes <paramref name="content"/> as the newest version of the document that <paramref name="sender"/> sent as
    /// <paramref name="of"/> (any of its versions' SHA-256): "latest" grants serve it from now on, pinned grants keep theirs.
    /// </summary>
    public Task<PublishResponse> PublishAttachmentAsync(string sender, string of, string sha256, Stream content, long length, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        return PutContentAsync(WithQuery(AttachmentRoutes.AdminPublish, ("sender", sender), ("of", of), ("sha256", sha256)), content, length,
            AttachmentJson.Default.PublishResponse, cancellationToken);
    }

    private async Task<TResponse> PutContentAsync<TResponse>(string path, Stream content, long length, System.Text.Json.Serialization.Metadata.JsonTypeInfo<TResponse> responseType,
        CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(Options.UploadTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Put, path);
        // authd answers before the body when it refuses (too large) or has the content: then the body is not sent at all.
        request.Headers.ExpectContinue = true;
        // The stream is authd's to hash: never buffered here (a 1 GiB attachment crosses the socket once).
        request.Content = new StreamContent(new LengthLimitedStream(content, length), 256 * 1024);
        request.Content.Headers.ContentLength = length;
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AuthdUnavailableException("timeout", $"mailfilter-authd did not take {length} bytes within {Options.UploadTimeout.TotalSeconds} s", null, e);
        }
        catch (HttpRequestException e)
        {
            throw new AuthdUnavailableException("unreachable", $"mailfilter-authd is not reachable at {Options.SocketPath}: {e.Message}", null, e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await ToExceptionAsync(response, path).ConfigureAwait(false);
            }

            return await ReadAnswerAsync(response, path, responseType, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends exactly the announced length, so a stream longer than announced does not break the request framing.</summary>
    private sealed class LengthLimitedStream(Stream inner, long announced) : Stream
    {
        private readonly long _length = announced;
        private long _left = announced;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => _length;

        public override long Position { get => _length - _left; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = inner.Read(buffer[..(int)Math.Min(buffer.Length, _left)]);
            _left -= n;
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int n = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _left)], cancellationToken).ConfigureAwait(false);
            _left -= n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
