using System.Security.Cryptography;
using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Configuration;
using MailFilter.AuthServer.Data;
using MailFilter.AuthServer.Endpoints;
using MailFilter.AuthServer.Keys;
using Microsoft.Extensions.Logging;

namespace MailFilter.AuthServer.Attachments;

/// <summary>
/// The attachment API behind the socket endpoints (docs/attachments.md §4, §7-§9): uploads, grants, versions, the
/// admin's list/show/revoke/extend/usage, and the garbage collector (also run every <c>gc_interval</c>).
/// </summary>
public sealed class AttachmentService : IAsyncDisposable
{
    private const int MaxListLimit = 10_000;

    private readonly AttachmentRepository _repository;
    private readonly LiveSettings _live;
    private readonly AuthdMetrics _metrics;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _gcRunning = new(1, 1);
    private Task? _gcLoop;

    public AttachmentService(AttachmentStore store, AttachmentRepository repository, LiveSettings settings, AuthdMetrics metrics, ILogger logger)
    {
        Store = store;
        _repository = repository;
        _live = settings;
        _metrics = metrics;
        _logger = logger;
    }

    public AttachmentStore Store { get; }

    /// <summary>The running [attachments] settings (a reload replaces them for the next request).</summary>
    public AttachmentSettings Settings => _live.Current.Attachments;

    public AttachmentRepository Repository => _repository;

    public Task<bool> HasAsync(string sha256, CancellationToken cancellationToken) => _repository.TouchAsync(AttachmentInput.Sha256(sha256), cancellationToken);

    /// <summary>PUT: stores the body under its SHA-256; (answer, true) when written now. Store failures become 507 store_full / 503 store_unavailable.</summary>
    public async Task<(StoredAttachment Answer, bool Created)> PutAsync(string sha256Text, Stream body, long? contentLength, CancellationToken cancellationToken)
    {
        var sha256 = AttachmentInput.Sha256(sha256Text);
        long size = contentLength ?? throw new ApiException(411, "bad-request", "Content-Length is required");
        if (size > Settings.MaxFileSize)
        {
            throw new ApiException(413, "too_large", $"the content is larger than [attachments] max_file_size ({Settings.MaxFileSize} bytes)");
        }

        var row = await StoreAsync(sha256, sha256Text, body, size, cancellationToken);
        return (new StoredAttachment { Sha256 = sha256Text, Size = row.Row.Size }, row.Written);
    }

    /// <summary>One grant per (recipient, file), the references they add, in one transaction; the links.</summary>
    public async Task<GrantResponse> CreateGrantsAsync(GrantRequest request, CancellationToken cancellationToken)
    {
        var sender = KeyService.Canonical(request.Sender);
        if (request.Recipients is not { Count: > 0 and <= AttachmentInput.MaxRecipients })
        {
            throw ApiException.BadRequest($"recipients: 1 to {AttachmentInput.MaxRecipients} addresses");
        }

        if (request.Files is not { Count: > 0 and <= AttachmentInput.MaxFiles })
        {
            throw ApiException.BadRequest($"files: 1 to {AttachmentInput.MaxFiles}");
        }

        var recipients = request.Recipients.Select(r => KeyService.Canonical(r)).Distinct(StringComparer.Ordinal).ToList();
        var files = request.Files.Select(f => (
            Sha256: AttachmentInput.Sha256(f.Sha256, "files[].sha256"),
            Hex: f.Sha256,
            FileName: AttachmentInput.FileName(f.FileName),
            ContentType: AttachmentInput.ContentType(f.ContentType),
            f.Size,
            Follow: f.Follow is null or "pinned" ? "pinned" : f.Follow == "latest" ? "latest" : throw ApiException.BadRequest("follow must be pinned or latest"))).ToList();
        int days = request.ExpiresInDays ?? Settings.ExpiryDays;
        if (days is < 1 or > 3650)
        {
            throw ApiException.BadRequest("expiresInDays: 1 to 3650");
        }

        int? limit = request.DownloadLimit ?? Settings.DownloadLimit;
        if (limit is < 1 or > 1_000_000)
        {
            throw ApiException.BadRequest("downloadLimit: 1 to 1000000");
        }

        if (request.MessageId is { Length: > 998 } || request.QueueId is { Length: > 64 })
        {
            throw ApiException.BadRequest("messageId is at most 998 characters, queueId 64");
        }

        var expires = Database.Now().AddDays(days);
        var links = new List<AttachmentLink>();
        await _repository.InTransactionAsync(async (connection, transaction) =>
        {
            var stored = await AttachmentRepository.LockStoredAsync(connection, transaction, [.. files.Select(f => f.Sha256).Distinct(ByteArrayComparer.Instance)], cancellationToken);
            foreach (var file in files)
            {
                var content = stored.FirstOrDefault(a => a.Sha256.AsSpan().SequenceEqual(file.Sha256))
                    ?? throw ApiException.NotFound("unknown-attachment", $"no stored content {file.Hex}: PUT /v1/attachments/{file.Hex} first");
                if (content.Size != file.Size)
                {
                    throw ApiException.BadRequest($"files[].size {file.Size} is not the stored size {content.Size} of {file.Hex}");
                }

                long document = await AttachmentRepository.DocumentForAsync(connection, transaction, sender, content.Id, cancellationToken);
                foreach (var recipient in recipients)
                {
                    var token = RandomNumberGenerator.GetBytes(32);
                    await AttachmentRepository.InsertGrantAsync(connection, transaction, new
                    {
                        TokenHash = SHA256.HashData(token),
                        AttachmentId = content.Id,
                        Sha256 = content.Sha256,
                        content.Size,
                        DocumentId = document,
                        file.Follow,
                        Sender = sender,
                        Recipient = recipient,
                        request.MessageId,
                        request.QueueId,
                        file.FileName,
                        file.ContentType,
                        request.Encrypted,
                        ExpiresAt = expires,
                        DownloadLimit = limit,
                    }, cancellationToken);
                    links.Add(new AttachmentLink
                    {
                        Recipient = recipient,
                        Sha256 = file.Hex,
                        FileName = file.FileName,
                        Url = LinkFor(System.Buffers.Text.Base64Url.EncodeToString(token), file.FileName),
                        Expires = new DateTimeOffset(expires, TimeSpan.Zero),
                    });
                }

                await AttachmentRepository.AddReferencesAsync(connection, transaction, content.Id, recipients.Count, cancellationToken);
            }

            return 0;
        }, cancellationToken);
        Log.GrantsCreated(_logger, request.QueueId ?? "NOQUEUE", links.Count, sender, request.MessageId ?? "-", files.Count, recipients.Count, new DateTimeOffset(expires, TimeSpan.Zero));
        return new GrantResponse { Links = links };
    }

    /// <summary><c>&lt;link_base_url&gt;/a/&lt;token&gt;/&lt;file name, every byte but RFC 3986 unreserved percent-encoded&gt;</c>.</summary>
    public string LinkFor(string token, string fileName) => $"{Settings.LinkBaseUrl}{AttachmentRoutes.Download}/{token}/{Uri.EscapeDataString(fileName)}";

    public async Task<GrantList> ListAsync(string? sender, string? recipient, string? sha256, string? state, string? limitText, CancellationToken cancellationToken)
    {
        if (state is not (null or "live" or "expired" or "revoked" or "exhausted" or "released"))
        {
            throw ApiException.BadRequest($"state must be live, expired, revoked, exhausted or released, not \"{state}\"");
        }

        int limit = 1000;
        if (limitText is not null && (!int.TryParse(limitText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxListLimit))
        {
            throw ApiException.BadRequest($"limit must be a number from 1 to {MaxListLimit}");
        }

        var rows = await _repository.ListGrantsAsync(sender is null ? null : KeyService.Canonical(sender), recipient is null ? null : KeyService.Canonical(recipient),
            sha256 is null ? null : AttachmentInput.Sha256(sha256), state, null, null, limit, cancellationToken);
        return new GrantList { Grants = [.. rows.Select(ToInfo)] };
    }

    public async Task<AttachmentDetail> ShowAsync(string? idText, string? sha256Text, CancellationToken cancellationToken)
    {
        if ((idText is null) == (sha256Text is null))
        {
            throw ApiException.BadRequest("give id (a grant) or sha256 (stored content), one of them");
        }

        if (idText is not null)
        {
            if (!long.TryParse(idText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long id))
            {
                throw ApiException.BadRequest("id must be a grant number");
            }

            var grant = await _repository.GrantByIdAsync(id, cancellationToken) ?? throw ApiException.NotFound("not-found", $"no grant {id}");
            var content = await _repository.GetAsync(grant.Sha256, cancellationToken);
            var versions = await _repository.VersionsAsync(grant.DocumentId, cancellationToken);
            return new AttachmentDetail { Grant = ToInfo(grant), Attachment = content is { State: "stored" } ? ToInfo(content) : null, Versions = [.. versions.Select(ToInfo)] };
        }

        var row = await _repository.GetAsync(AttachmentInput.Sha256(sha256Text), cancellationToken);
        return row is { State: "stored" } ? new AttachmentDetail { Attachment = ToInfo(row) } : throw ApiException.NotFound("unknown-attachment", $"no stored content {sha256Text}");
    }

    public async Task<GrantChangeResponse> RevokeAsync(GrantChangeRequest request, string actor, CancellationToken cancellationToken)
    {
        var ids = await SelectAsync(request, cancellationToken);
        var changed = await _repository.RevokeAsync(ids, cancellationToken);
        Log.GrantsChanged(_logger, changed.Count, "revoked", actor);
        return await ChangedAsync(changed, cancellationToken);
    }

    public async Task<GrantChangeResponse> ExtendAsync(GrantChangeRequest request, string actor, CancellationToken cancellationToken)
    {
        if (request.Days is null && request.DownloadLimit is null)
        {
            throw ApiException.BadRequest("extend needs days and/or downloadLimit");
        }

        if (request.Days is < 1 or > 3650 || request.DownloadLimit is < 0 or > 1_000_000)
        {
            throw ApiException.BadRequest("days: 1 to 3650; downloadLimit: 0 (none) to 1000000");
        }

        var ids = await SelectAsync(request, cancellationToken);
        var changed = await _repository.ExtendAsync(ids, request.Days, request.DownloadLimit, cancellationToken);
        if (changed.Count == 0 && ids.Count > 0)
        {
            throw ApiException.Conflict("released", "the grants were released by the garbage collector (their content may be gone): they cannot be extended");
        }

        Log.GrantsChanged(_logger, changed.Count, "extended", actor);
        return await ChangedAsync(changed, cancellationToken);
    }

    public async Task<UsageResponse> UsageAsync(CancellationToken cancellationToken)
    {
        var u = await _repository.UsageAsync(cancellationToken);
        return new UsageResponse
        {
            Backend = Store.Backend.Kind,
            Attachments = u.Attachments,
            Bytes = u.Bytes,
            StoredBytes = u.StoredBytes,
            Quota = Store.Quota,
            Unreferenced = u.Unreferenced,
            Grants = u.Grants,
            LiveGrants = u.LiveGrants,
            Downloads = u.Downloads,
        };
    }

    /// <summary>
    /// Publishes new content as the newest version of every live document <paramref name="sender"/> sent as <paramref name="of"/>;
    /// refused (404) when there is none, before the body is stored.
    /// </summary>
    public async Task<PublishResponse> PublishAsync(string? sender, string? of, string? sha256Text, Stream body, long? contentLength, string actor, CancellationToken cancellationToken)
    {
        var owner = KeyService.Canonical(sender);
        var ofSha = AttachmentInput.Sha256(of, "of");
        var sha256 = AttachmentInput.Sha256(sha256Text);
        long size = contentLength ?? throw new ApiException(411, "bad-request", "Content-Length is required");
        if (size > Settings.MaxFileSize)
        {
            throw new ApiException(413, "too_large", $"the content is larger than [attachments] max_file_size ({Settings.MaxFileSize} bytes)");
        }

        var existing = await _repository.ListGrantsAsync(owner, null, ofSha, null, null, null, 1, cancellationToken);
        if (existing.Count == 0)
        {
            throw ApiException.NotFound("no-document", $"{owner} sent no attachment with SHA-256 {of} (or all its grants were released)");
        }

        var stored = await StoreAsync(sha256, sha256Text!, body, size, cancellationToken);
        var result = await _repository.InTransactionAsync(async (connection, transaction) =>
        {
            var locked = await AttachmentRepository.LockStoredAsync(connection, transaction, [sha256], cancellationToken);
            if (locked.Count == 0)
            {
                throw new ApiException(503, AttachmentStoreUnavailable, "the content was collected while it was published: publish again");
            }

            var documents = await AttachmentRepository.PublishAsync(connection, transaction, owner, ofSha, locked[0].Id, cancellationToken);
            if (documents.Count == 0)
            {
                throw ApiException.NotFound("no-document", $"{owner} has no live document with SHA-256 {of}");
            }

            int following = await AttachmentRepository.FollowingGrantsAsync(connection, transaction, documents, cancellationToken);
            var versions = await AttachmentRepository.VersionsAsync(connection, transaction, documents[^1], cancellationToken);
            return new PublishResponse { Document = documents[^1], Versions = [.. versions.Select(ToInfo)], FollowingGrants = following };
        }, cancellationToken);
        Log.VersionPublished(_logger, owner, sha256Text!, of!, stored.Row.Size, result.FollowingGrants, actor);
        return result;
    }

    /// <summary>One garbage collection (docs/attachments.md §9); one at a time per authd.</summary>
    public async Task<GcResponse> CollectAsync(bool dryRun, CancellationToken cancellationToken)
    {
        await _gcRunning.WaitAsync(cancellationToken);
        try
        {
            int grants = await _repository.ReleaseGrantsAsync(Settings.ReleasedRetention, dryRun, cancellationToken);
            int documents = await _repository.ReleaseDocumentsAsync(dryRun, cancellationToken);
            var (deleted, bytes) = await _repository.DeleteUnreferencedAsync(Settings.GcGrace, dryRun, row => Store.Backend.DeleteAsync(row.ObjectName, cancellationToken), cancellationToken);
            int proofs = await _repository.DeleteExpiredProofsAsync(dryRun, cancellationToken);
            if (!dryRun)
            {
                Log.GarbageCollected(_logger, grants, documents, deleted, bytes, proofs);
            }

            return new GcResponse { GrantsReleased = grants, DocumentsReleased = documents, AttachmentsDeleted = deleted, BytesFreed = bytes, ProofsDeleted = proofs, DryRun = dryRun };
        }
        catch (StoreUnavailableException e)
        {
            Log.GarbageCollectionFailed(_logger, e.Message);
            throw new ApiException(503, AttachmentStoreUnavailable, e.Message);
        }
        finally
        {
            _gcRunning.Release();
        }
    }

    /// <summary>Starts the periodic collector (gc_interval; none when zero).</summary>
    public void Start()
    {
        if (Settings.GcInterval <= TimeSpan.Zero)
        {
            return;
        }

        _gcLoop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(Settings.GcInterval);
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                try
                {
                    await CollectAsync(dryRun: false, _stopping.Token);
                }
                catch (Exception e) when (!_stopping.IsCancellationRequested)
                {
                    // Whatever went wrong this round (database, store, a bug), the next round tries again: a collector
                    // that stopped silently would let the store grow without anyone noticing.
                    Log.GarbageCollectionFailed(_logger, e is ApiException or Npgsql.NpgsqlException or TimeoutException ? e.Message : e.GetType().Name + ": " + e.Message);
                }
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_gcLoop is not null)
        {
            try
            {
                await _gcLoop;
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stopping.Dispose();
        _gcRunning.Dispose();
        Store.Dispose();
    }

    public const string AttachmentStoreFull = "store_full";
    public const string AttachmentStoreUnavailable = "store_unavailable";

    public static GrantInfo ToInfo(GrantRow g) => new()
    {
        Id = g.Id,
        Sender = g.Sender,
        Recipient = g.Recipient,
        MessageId = g.MessageId,
        QueueId = g.QueueId,
        FileName = g.FileName,
        ContentType = g.ContentType,
        Sha256 = Convert.ToHexStringLower(g.Sha256),
        Size = g.Size,
        Follow = g.Follow,
        ServedSha256 = Convert.ToHexStringLower(g.ServedSha256),
        Encrypted = g.Encrypted,
        Created = Utc(g.CreatedAt),
        Expires = Utc(g.ExpiresAt),
        DownloadLimit = g.DownloadLimit,
        Downloads = g.Downloads,
        LastDownload = g.LastDownloadAt is { } d ? Utc(d) : null,
        Revoked = g.RevokedAt is { } r ? Utc(r) : null,
        State = g.State,
    };

    private static AttachmentInfo ToInfo(AttachmentRow a) => new()
    {
        Sha256 = Convert.ToHexStringLower(a.Sha256),
        Size = a.Size,
        RefCount = a.Refcount,
        ObjectName = a.ObjectName,
        Stored = Utc(a.CreatedAt),
        LastUsed = Utc(a.LastUsedAt),
    };

    private static AttachmentVersion ToInfo(VersionRow v) => new() { Version = v.Version, Sha256 = Convert.ToHexStringLower(v.Sha256), Size = v.Size, Published = Utc(v.PublishedAt) };

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));

    private async Task<(AttachmentRow Row, bool Written)> StoreAsync(byte[] sha256, string hex, Stream body, long size, CancellationToken cancellationToken)
    {
        try
        {
            var result = await Store.PutAsync(sha256, body, size, cancellationToken);
            _metrics.Uploads.Increment(result.Written ? "stored" : "present");
            if (result.Written)
            {
                _metrics.UploadBytes.Add(size);
                Log.AttachmentStored(_logger, hex, size, Store.Backend.Kind);
            }

            return result;
        }
        catch (HashMismatchException)
        {
            _metrics.Uploads.Increment("hash-mismatch");
            Log.AttachmentRefused(_logger, hex, "hash mismatch");
            throw new ApiException(400, "hash_mismatch", "the body's SHA-256 is not the one in the path: nothing was stored");
        }
        catch (EndOfStreamException)
        {
            throw ApiException.BadRequest($"the body ended before its Content-Length of {size} bytes");
        }
        catch (StoreFullException e)
        {
            _metrics.Uploads.Increment("store-full");
            Log.AttachmentRefused(_logger, hex, e.Message);
            throw new ApiException(507, AttachmentStoreFull, e.Message);
        }
        catch (StoreUnavailableException e)
        {
            _metrics.Uploads.Increment("store-unavailable");
            Log.StoreFailed(_logger, e.Message);
            throw new ApiException(503, AttachmentStoreUnavailable, e.Message);
        }
    }

    private async Task<IReadOnlyList<long>> SelectAsync(GrantChangeRequest request, CancellationToken cancellationToken)
    {
        if (request.Ids is not { Count: > 0 } && request.MessageId is null && request.Sender is null && request.Recipient is null)
        {
            throw ApiException.BadRequest("name the grants: ids, messageId, sender or recipient");
        }

        if (request.Ids is { Count: > MaxListLimit })
        {
            throw ApiException.BadRequest($"at most {MaxListLimit} ids at once");
        }

        var rows = await _repository.ListGrantsAsync(request.Sender is null ? null : KeyService.Canonical(request.Sender),
            request.Recipient is null ? null : KeyService.Canonical(request.Recipient), null, null, request.MessageId, request.Ids, MaxListLimit, cancellationToken);
        if (rows.Count == 0)
        {
            throw ApiException.NotFound("not-found", "no grant matches");
        }

        return [.. rows.Select(r => r.Id)];
    }

    private async Task<GrantChangeResponse> ChangedAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        var rows = ids.Count == 0 ? [] : await _repository.ListGrantsAsync(null, null, null, null, null, ids, MaxListLimit, cancellationToken);
        return new GrantChangeResponse { Changed = ids.Count, Grants = [.. rows.Select(ToInfo)] };
    }

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => BitConverter.ToInt32(obj, 0);
    }
}
