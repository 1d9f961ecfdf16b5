using System.Data;
using Dapper;
using Npgsql;

namespace MailFilter.AuthServer.Data;

/// <summary>
/// The attachment tables (docs/attachments.md §9 and docs/database.md). The transaction design that lets the garbage
/// collector run beside uploads and grants:
/// <list type="bullet">
/// <item>Adding a reference (a grant, a version) locks the content's row (<c>FOR UPDATE</c>), requires
/// <c>state = 'stored'</c> and increments <c>refcount</c> in the same transaction.</item>
/// <item>GC deletes content only after locking its row with a condition on the row itself (<c>refcount = 0</c>, last use
/// older than the grace period): a concurrent reference either committed first (PostgreSQL re-checks the
/// updated row and skips it) or waits for GC's commit and then finds no row (404 <c>unknown-attachment</c>). The
/// object is deleted from the store inside that transaction, so <c>state = 'stored'</c> always means the object is there.</item>
/// <item>A document is released in a transaction that first locks its row, then (in a new statement, hence a new
/// snapshot) checks that no unreleased grant points to it; grant creation locks the document before inserting.</item>
/// </list>
/// </summary>
public sealed class AttachmentRepository(Database database)
{
    /// <summary>Serializes the quota check with the insert of new content (pg_advisory_xact_lock).</summary>
    private const long QuotaLockKey = 0x4D46_4154_5155_4F54;

    private const string StateSql = """
        CASE WHEN g.released_at IS NOT NULL THEN 'released' WHEN g.revoked_at IS NOT NULL THEN 'revoked'
             WHEN g.expires_at <= now() THEN 'expired' WHEN g.download_limit IS NOT NULL AND g.downloads >= g.download_limit THEN 'exhausted'
             ELSE 'live' END
        """;

    private const string GrantSelect = $"""
        SELECT g.id, coalesce(g.attachment_id, 0) AS attachment_id, g.document_id, g.follow, g.sender, g.recipient, g.message_id, g.queue_id, g.file_name,
               g.content_type, g.encrypted, g.created_at, g.expires_at, g.download_limit, g.downloads, g.last_download_at, g.revoked_at, g.released_at,
               {StateSql} AS state, g.sha256, g.size, coalesce(s.id, 0) AS served_id, coalesce(s.sha256, g.sha256) AS served_sha256,
               coalesce(s.size, g.size) AS served_size, coalesce(s.object_name, '') AS served_object_name
        FROM attachment_grants g
        LEFT JOIN attachments s ON s.id = CASE WHEN g.follow = 'latest' THEN coalesce(
            (SELECT v.attachment_id FROM attachment_versions v WHERE v.document_id = g.document_id ORDER BY v.version DESC LIMIT 1), g.attachment_id)
            ELSE g.attachment_id END
        """;

    private readonly Database _database = database;

    public Database Database => _database;

    public async Task<AttachmentRow?> GetAsync(byte[] sha256, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AttachmentRow>(new CommandDefinition(
            "SELECT * FROM attachments WHERE sha256 = @sha256", new { sha256 }, cancellationToken: cancellationToken));
    }

    /// <summary>HEAD: true if the content is stored; refreshes its last use, so GC's grace period covers the grant that follows.</summary>
    public async Task<bool> TouchAsync(byte[] sha256, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE attachments SET last_used_at = now() WHERE sha256 = @sha256 AND state = 'stored'", new { sha256 }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// Claims the row of new content before its object is written: (row, true) when the content must be written (new, or
    /// an earlier upload did not finish), (row, false) when it is stored already. Null when the quota would be exceeded.
    /// </summary>
    public async Task<(AttachmentRow Row, bool Write)?> BeginStoreAsync(byte[] sha256, long size, string objectName, long storedBytes, long? quota, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var existing = await connection.QuerySingleOrDefaultAsync<AttachmentRow>(new CommandDefinition(
            "UPDATE attachments SET last_used_at = now() WHERE sha256 = @sha256 RETURNING *", new { sha256 }, transaction, cancellationToken: cancellationToken));
        if (existing is { State: "stored" })
        {
            await transaction.CommitAsync(cancellationToken);
            return (existing, false);
        }

        if (existing is null && quota is { } limit)
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@key)", new { key = QuotaLockKey }, transaction, cancellationToken: cancellationToken));
            long used = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT coalesce(sum(size), 0)::bigint FROM attachments", transaction: transaction, cancellationToken: cancellationToken));
            if (used + size > limit)
            {
                return null;
            }
        }

        // A concurrent upload of the same content may insert first: then this one waits for it and writes the same object again.
        var row = await connection.QuerySingleAsync<AttachmentRow>(new CommandDefinition("""
            INSERT INTO attachments (sha256, size, object_name, stored_bytes) VALUES (@sha256, @size, @objectName, @storedBytes)
            ON CONFLICT (sha256) DO UPDATE SET last_used_at = now()
            RETURNING *
            """, new { sha256, size, objectName, storedBytes }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return (row, row.State != "stored");
    }

    /// <summary>
    /// Records the object as complete on the claimed row. False when that row is gone: a concurrent upload of the same
    /// content that failed abandoned it, or another upload completed it and the collector then deleted it together
    /// with the object, possibly after this upload's object was in place. Either way the object may be missing: the
    /// caller writes it again under a new claim (docs/attachments.md §9).
    /// </summary>
    public async Task<bool> MarkStoredAsync(AttachmentRow claim, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE attachments SET state = 'stored', last_used_at = now() WHERE id = @Id", claim, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Forgets a claim whose object was not written (hash mismatch, store failure), unless another upload completed it.</summary>
    public async Task AbandonAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM attachments WHERE id = @id AND state = 'storing' AND refcount = 0", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>Runs <paramref name="body"/> in one transaction; commits if it returns.</summary>
    public async Task<T> InTransactionAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> body, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await body(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>Locks stored content rows for new references; returns those found (state stored).</summary>
    public static async Task<IReadOnlyList<AttachmentRow>> LockStoredAsync(NpgsqlConnection connection, IDbTransaction transaction, byte[][] sha256s, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<AttachmentRow>(new CommandDefinition(
            "SELECT * FROM attachments WHERE sha256 = ANY(@sha256s) AND state = 'stored' ORDER BY id FOR UPDATE", new { sha256s }, transaction, cancellationToken: cancellationToken))).AsList();

    public static Task AddReferencesAsync(NpgsqlConnection connection, IDbTransaction transaction, long attachmentId, int count, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "UPDATE attachments SET refcount = refcount + @count, last_used_at = now() WHERE id = @attachmentId", new { attachmentId, count }, transaction, cancellationToken: cancellationToken));

    /// <summary>The newest live document of <paramref name="owner"/> that has <paramref name="attachmentId"/> as a version, locked; or a new one with it as version 1.</summary>
    public static async Task<long> DocumentForAsync(NpgsqlConnection connection, IDbTransaction transaction, string owner, long attachmentId, CancellationToken cancellationToken)
    {
        var id = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition("""
            SELECT d.id FROM attachment_documents d
            WHERE d.owner = @owner AND d.released_at IS NULL
              AND EXISTS (SELECT 1 FROM attachment_versions v WHERE v.document_id = d.id AND v.attachment_id = @attachmentId)
            ORDER BY d.id DESC LIMIT 1
            FOR UPDATE
            """, new { owner, attachmentId }, transaction, cancellationToken: cancellationToken));
        if (id is { } found)
        {
            return found;
        }

        long created = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO attachment_documents (owner) VALUES (@owner) RETURNING id", new { owner }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO attachment_versions (document_id, version, attachment_id) VALUES (@created, 1, @attachmentId)", new { created, attachmentId }, transaction, cancellationToken: cancellationToken));
        await AddReferencesAsync(connection, transaction, attachmentId, 1, cancellationToken);
        return created;
    }

    public static Task<long> InsertGrantAsync(NpgsqlConnection connection, IDbTransaction transaction, object grant, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO attachment_grants (token_hash, attachment_id, sha256, size, document_id, follow, sender, recipient, message_id, queue_id, file_name,
                content_type, encrypted, expires_at, download_limit)
            VALUES (@TokenHash, @AttachmentId, @Sha256, @Size, @DocumentId, @Follow, @Sender, @Recipient, @MessageId, @QueueId, @FileName,
                @ContentType, @Encrypted, @ExpiresAt, @DownloadLimit)
            RETURNING id
            """, grant, transaction, cancellationToken: cancellationToken));

    public async Task<GrantRow?> GrantByTokenAsync(byte[] tokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<GrantRow>(new CommandDefinition(
            GrantSelect + " WHERE g.token_hash = @tokenHash", new { tokenHash }, cancellationToken: cancellationToken));
    }

    public async Task<GrantRow?> GrantByIdAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<GrantRow>(new CommandDefinition(GrantSelect + " WHERE g.id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>Counts one download if the grant still allows it (not revoked, released or expired, under its limit): the check and the count are one statement.</summary>
    public async Task<bool> CountDownloadAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE attachment_grants SET downloads = downloads + 1, last_download_at = now()
            WHERE id = @id AND revoked_at IS NULL AND released_at IS NULL AND expires_at > now() AND (download_limit IS NULL OR downloads < download_limit)
            """, new { id }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<IReadOnlyList<GrantRow>> ListGrantsAsync(string? sender, string? recipient, byte[]? sha256, string? state, string? messageId, IReadOnlyList<long>? ids,
        int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<GrantRow>(new CommandDefinition($"""
            SELECT * FROM ({GrantSelect}
                WHERE (@sender::text IS NULL OR g.sender = @sender) AND (@recipient::text IS NULL OR g.recipient = @recipient)
                  AND (@sha256::bytea IS NULL OR g.sha256 = @sha256 OR s.sha256 = @sha256) AND (@messageId::text IS NULL OR g.message_id = @messageId)
                  AND (@ids::bigint[] IS NULL OR g.id = ANY(@ids))) x
            WHERE @state::text IS NULL OR x.state = @state
            ORDER BY x.id DESC LIMIT @limit
            """, new { sender, recipient, sha256, state, messageId, ids = ids?.ToArray(), limit }, cancellationToken: cancellationToken))).AsList();
    }

    public async Task<IReadOnlyList<VersionRow>> VersionsAsync(long documentId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await VersionsAsync(connection, null, documentId, cancellationToken);
    }

    public static async Task<IReadOnlyList<VersionRow>> VersionsAsync(NpgsqlConnection connection, IDbTransaction? transaction, long documentId, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<VersionRow>(new CommandDefinition("""
            SELECT v.version, a.sha256, a.size, v.published_at FROM attachment_versions v JOIN attachments a ON a.id = v.attachment_id
            WHERE v.document_id = @documentId ORDER BY v.version
            """, new { documentId }, transaction, cancellationToken: cancellationToken))).AsList();

    /// <summary>Revokes the grants with these ids that are not revoked yet; returns the ids changed.</summary>
    public async Task<IReadOnlyList<long>> RevokeAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<long>(new CommandDefinition(
            "UPDATE attachment_grants SET revoked_at = now() WHERE id = ANY(@ids) AND revoked_at IS NULL RETURNING id", new { ids = ids.ToArray() }, cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>Adds days to the expiry (from now for an expired grant) and/or sets the download limit (0: none) of unreleased grants.</summary>
    public async Task<IReadOnlyList<long>> ExtendAsync(IReadOnlyList<long> ids, int? days, int? downloadLimit, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<long>(new CommandDefinition("""
            UPDATE attachment_grants SET
                expires_at = CASE WHEN @days::int IS NULL THEN expires_at ELSE greatest(expires_at, now()) + make_interval(days => @days::int) END,
                download_limit = CASE WHEN @downloadLimit::int IS NULL THEN download_limit WHEN @downloadLimit::int = 0 THEN NULL ELSE @downloadLimit::int END
            WHERE id = ANY(@ids) AND released_at IS NULL
            RETURNING id
            """, new { ids = ids.ToArray(), days, downloadLimit }, cancellationToken: cancellationToken))).AsList();
    }

    public async Task<(int Attachments, long Bytes, long StoredBytes, int Unreferenced, int Grants, int LiveGrants, long Downloads)> UsageAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await connection.QuerySingleAsync<(int, long, long, int, int, int, long)>(new CommandDefinition($"""
            SELECT (SELECT count(*)::int FROM attachments WHERE state = 'stored'),
                   (SELECT coalesce(sum(size), 0)::bigint FROM attachments WHERE state = 'stored'),
                   (SELECT coalesce(sum(stored_bytes), 0)::bigint FROM attachments WHERE state = 'stored'),
                   (SELECT count(*)::int FROM attachments WHERE state = 'stored' AND refcount = 0),
                   (SELECT count(*)::int FROM attachment_grants),
                   (SELECT count(*)::int FROM attachment_grants g WHERE {StateSql} = 'live'),
                   (SELECT coalesce(sum(downloads), 0)::bigint FROM attachment_grants)
            """, cancellationToken: cancellationToken));
    }

    // ---- garbage collection (docs/attachments.md §9) ----

    /// <summary>Step 1: releases dead grants (revoked; expired or exhausted longer than <paramref name="retention"/>) and returns their references.</summary>
    public async Task<int> ReleaseGrantsAsync(TimeSpan retention, bool dryRun, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        const string Dead = """
            released_at IS NULL AND (revoked_at IS NOT NULL OR expires_at < now() - @retention)
            """;
        if (dryRun)
        {
            return await connection.ExecuteScalarAsync<int>(new CommandDefinition($"SELECT count(*)::int FROM attachment_grants WHERE {Dead}", new { retention }, cancellationToken: cancellationToken));
        }

        return await connection.ExecuteScalarAsync<int>(new CommandDefinition($"""
            WITH dead AS (
                SELECT id, attachment_id FROM attachment_grants WHERE {Dead} AND attachment_id IS NOT NULL ORDER BY id LIMIT 10000 FOR UPDATE SKIP LOCKED
            ), released AS (
                UPDATE attachment_grants g SET released_at = now() FROM dead WHERE g.id = dead.id RETURNING dead.attachment_id
            ), counts AS (
                SELECT attachment_id, count(*)::int AS n FROM released GROUP BY attachment_id
            ), returned AS (
                UPDATE attachments a SET refcount = a.refcount - counts.n FROM counts WHERE a.id = counts.attachment_id RETURNING counts.n
            )
            SELECT coalesce(sum(n), 0)::int FROM returned
            """, new { retention }, cancellationToken: cancellationToken));
    }

    /// <summary>Step 2: releases documents no unreleased grant points to (their versions' references go).</summary>
    public async Task<int> ReleaseDocumentsAsync(bool dryRun, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        const string Orphan = "d.released_at IS NULL AND NOT EXISTS (SELECT 1 FROM attachment_grants g WHERE g.document_id = d.id AND g.released_at IS NULL)";
        var candidates = (await connection.QueryAsync<long>(new CommandDefinition(
            $"SELECT d.id FROM attachment_documents d WHERE {Orphan} ORDER BY d.id LIMIT 10000", cancellationToken: cancellationToken))).AsList();
        if (dryRun || candidates.Count == 0)
        {
            return candidates.Count;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var locked = (await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT id FROM attachment_documents WHERE id = ANY(@candidates) AND released_at IS NULL ORDER BY id FOR UPDATE SKIP LOCKED",
            new { candidates = candidates.ToArray() }, transaction, cancellationToken: cancellationToken))).ToArray();
        // A new statement, a new snapshot: it sees every grant committed before the locks were taken.
        var orphans = (await connection.QueryAsync<long>(new CommandDefinition(
            $"SELECT d.id FROM attachment_documents d WHERE d.id = ANY(@locked) AND {Orphan}", new { locked }, transaction, cancellationToken: cancellationToken))).ToArray();
        await connection.ExecuteAsync(new CommandDefinition("""
            WITH gone AS (
                DELETE FROM attachment_versions WHERE document_id = ANY(@orphans) RETURNING attachment_id
            ), counts AS (
                SELECT attachment_id, count(*)::int AS n FROM gone GROUP BY attachment_id
            )
            UPDATE attachments a SET refcount = a.refcount - counts.n FROM counts WHERE a.id = counts.attachment_id
            """, new { orphans }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE attachment_documents SET released_at = now() WHERE id = ANY(@orphans)", new { orphans }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return orphans.Length;
    }

    /// <summary>
    /// Step 3: deletes unreferenced content, a batch at a time: locks rows that are still unreferenced and unused for
    /// <paramref name="grace"/> (abandoned uploads after a day), runs <paramref name="deleteObject"/> for each, and deletes the rows
    /// in the same transaction. Returns (count, plaintext bytes).
    /// </summary>
    public async Task<(int Count, long Bytes)> DeleteUnreferencedAsync(TimeSpan grace, bool dryRun, Func<AttachmentRow, Task> deleteObject, CancellationToken cancellationToken)
    {
        const string Unreferenced = """
            refcount = 0 AND ((state = 'stored' AND last_used_at < now() - @grace) OR (state = 'storing' AND last_used_at < now() - greatest(@grace, interval '1 day')))
            """;
        await using var connection = await _database.OpenAsync(cancellationToken);
        if (dryRun)
        {
            return await connection.QuerySingleAsync<(int, long)>(new CommandDefinition(
                $"SELECT count(*)::int, coalesce(sum(size), 0)::bigint FROM attachments WHERE {Unreferenced}", new { grace }, cancellationToken: cancellationToken));
        }

        int count = 0;
        long bytes = 0;
        while (true)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var batch = (await connection.QueryAsync<AttachmentRow>(new CommandDefinition(
                $"SELECT * FROM attachments WHERE {Unreferenced} ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED", new { grace }, transaction, cancellationToken: cancellationToken))).AsList();
            if (batch.Count == 0)
            {
                return (count, bytes);
            }

            foreach (var row in batch)
            {
                await deleteObject(row);
            }

            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM attachments WHERE id = ANY(@ids)", new { ids = batch.Select(r => r.Id).ToArray() }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            count += batch.Count;
            bytes += batch.Sum(r => r.Size);
        }
    }

    /// <summary>Step 4: proof codes and sessions that have expired.</summary>
    public async Task<int> DeleteExpiredProofsAsync(bool dryRun, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return dryRun
            ? await connection.ExecuteScalarAsync<int>(new CommandDefinition("""
                SELECT (SELECT count(*) FROM attachment_proof_codes WHERE expires_at < now())::int + (SELECT count(*) FROM attachment_proof_sessions WHERE expires_at < now())::int
                """, cancellationToken: cancellationToken))
            : await connection.ExecuteAsync(new CommandDefinition("DELETE FROM attachment_proof_codes WHERE expires_at < now()", cancellationToken: cancellationToken))
              + await connection.ExecuteAsync(new CommandDefinition("DELETE FROM attachment_proof_sessions WHERE expires_at < now()", cancellationToken: cancellationToken));
    }

    // ---- versions (docs/attachments.md §8) ----

    /// <summary>Adds <paramref name="attachmentId"/> as the newest version of every live document of <paramref name="owner"/> that has <paramref name="ofSha256"/> as a version; returns their ids.</summary>
    public static async Task<IReadOnlyList<long>> PublishAsync(NpgsqlConnection connection, IDbTransaction transaction, string owner, byte[] ofSha256, long attachmentId, CancellationToken cancellationToken)
    {
        var documents = (await connection.QueryAsync<long>(new CommandDefinition("""
            SELECT d.id FROM attachment_documents d
            WHERE d.owner = @owner AND d.released_at IS NULL
              AND EXISTS (SELECT 1 FROM attachment_versions v JOIN attachments a ON a.id = v.attachment_id WHERE v.document_id = d.id AND a.sha256 = @ofSha256)
            ORDER BY d.id FOR UPDATE
            """, new { owner, ofSha256 }, transaction, cancellationToken: cancellationToken))).AsList();
        foreach (var documentId in documents)
        {
            int added = await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO attachment_versions (document_id, version, attachment_id)
                SELECT @documentId, max(version) + 1, @attachmentId FROM attachment_versions WHERE document_id = @documentId
                HAVING (SELECT attachment_id FROM attachment_versions WHERE document_id = @documentId ORDER BY version DESC LIMIT 1) <> @attachmentId
                """, new { documentId, attachmentId }, transaction, cancellationToken: cancellationToken));
            if (added == 1)
            {
                await AddReferencesAsync(connection, transaction, attachmentId, 1, cancellationToken);
            }
        }

        return documents;
    }

    public static Task<int> FollowingGrantsAsync(NpgsqlConnection connection, IDbTransaction transaction, IReadOnlyList<long> documents, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT count(*)::int FROM attachment_grants WHERE document_id = ANY(@documents) AND follow = 'latest' AND released_at IS NULL",
            new { documents = documents.ToArray() }, transaction, cancellationToken: cancellationToken));

    // ---- proof of mailbox (docs/attachments.md §6) ----

    /// <summary>When the last code for <paramref name="recipient"/> was sent (null: never, or it expired).</summary>
    public async Task<DateTime?> LastCodeAsync(string recipient, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
            "SELECT max(created_at) FROM attachment_proof_codes WHERE recipient = @recipient AND expires_at > now()", new { recipient }, cancellationToken: cancellationToken));
    }

    public async Task InsertCodeAsync(string recipient, byte[] codeHash, DateTime expiresAt, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO attachment_proof_codes (recipient, code_hash, expires_at) VALUES (@recipient, @codeHash, @expiresAt)",
            new { recipient, codeHash, expiresAt }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Consumes a right code (unused, unexpired, under the failure limit) and opens a session, in one transaction; a wrong
    /// code counts a failure on the recipient's live codes. True if the code was right.
    /// </summary>
    public async Task<bool> RedeemCodeAsync(string recipient, byte[] codeHash, int maxFailures, byte[] sessionHash, DateTime sessionExpires, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        int used = await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE attachment_proof_codes SET used_at = now()
            WHERE recipient = @recipient AND code_hash = @codeHash AND used_at IS NULL AND expires_at > now() AND failures < @maxFailures
            """, new { recipient, codeHash, maxFailures }, transaction, cancellationToken: cancellationToken));
        if (used == 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE attachment_proof_codes SET failures = failures + 1 WHERE recipient = @recipient AND used_at IS NULL AND expires_at > now()",
                new { recipient }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO attachment_proof_sessions (session_hash, recipient, expires_at) VALUES (@sessionHash, @recipient, @sessionExpires)",
            new { sessionHash, recipient, sessionExpires }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The recipient a live proof session belongs to; null if none.</summary>
    public async Task<string?> SessionRecipientAsync(byte[] sessionHash, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT recipient FROM attachment_proof_sessions WHERE session_hash = @sessionHash AND expires_at > now()", new { sessionHash }, cancellationToken: cancellationToken));
    }
}
