using Dapper;
using MailFilter.AuthServer.Whitelist;
using Npgsql;

namespace MailFilter.AuthServer.Data;

/// <summary>
/// whitelist_entries (docs/whitelist.md §1): every change locks the user row, takes the next list version, and
/// writes audit_log in one transaction. Removed entries stay as tombstones for "changes since version N".
/// </summary>
public sealed class WhitelistRepository(Database database)
{
    private const string EntryColumns = "target_kind, target, name, nickname, notes, version, removed_at, learned";

    private readonly Database _database = database;

    /// <summary>The user's version and live entries (<paramref name="since"/> null), or the entries changed after <paramref name="since"/>, tombstones included.</summary>
    public async Task<(long Version, IReadOnlyList<WhitelistEntryRow> Entries)> ListAsync(long userId, long? since, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        long version = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT whitelist_version FROM users WHERE id = @userId",
            new { userId }, transaction, cancellationToken: cancellationToken));
        var entries = await connection.QueryAsync<WhitelistEntryRow>(new CommandDefinition($"""
            SELECT {EntryColumns} FROM whitelist_entries
            WHERE user_id = @userId AND (CASE WHEN @since::bigint IS NULL THEN removed_at IS NULL ELSE version > @since END)
            ORDER BY target_kind, target
            """, new { userId, since }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return (version, entries.AsList());
    }

    public async Task<long> VersionAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT whitelist_version FROM users WHERE id = @userId", new { userId }, cancellationToken: cancellationToken));
    }

    /// <summary>Adds the entries, or edits those whose target is on the list (a removed one comes back). Returns (version, added, updated).</summary>
    public async Task<(long Version, int Added, int Updated)> AddAsync(string user, IReadOnlyList<NormalizedEntry> entries, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (id, version) = await LockUserAsync(connection, transaction, user, cancellationToken);
        long next = version + 1;
        var kinds = entries.Select(e => e.Kind).ToArray();
        var targets = entries.Select(e => e.Target).ToArray();
        // Entries live before this change are "updated"; new ones and removed ones coming back are "added".
        int updated = await connection.ExecuteScalarAsync<int>(new CommandDefinition("""
            SELECT count(*) FROM whitelist_entries
            WHERE user_id = @id AND removed_at IS NULL AND (target_kind, target) IN (SELECT * FROM unnest(@kinds, @targets))
            """, new { id, kinds, targets }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO whitelist_entries (user_id, target_kind, target, name, nickname, notes, version)
            SELECT @id, k, t, n, nn, o, @next FROM unnest(@kinds, @targets, @names, @nicknames, @notes) AS x(k, t, n, nn, o)
            ON CONFLICT (user_id, target_kind, target) DO UPDATE
                SET name = excluded.name, nickname = excluded.nickname, notes = excluded.notes, version = excluded.version, removed_at = NULL, learned = false
            """, new
        {
            id,
            next,
            kinds,
            targets,
            names = entries.Select(e => e.Name).ToArray(),
            nicknames = entries.Select(e => e.Nickname).ToArray(),
            notes = entries.Select(e => e.Notes).ToArray(),
        }, transaction, cancellationToken: cancellationToken));
        long live = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM whitelist_entries WHERE user_id = @id AND removed_at IS NULL", new { id }, transaction, cancellationToken: cancellationToken));
        if (live > WhitelistLimits.MaxEntriesPerUser)
        {
            throw Endpoints.ApiException.BadRequest($"entries: user {user} would have {live} entries, at most {WhitelistLimits.MaxEntriesPerUser} are allowed");
        }

        int added = entries.Count - updated;
        await FinishAsync(connection, transaction, id, next, actor, "whitelist.add", $"user {user}: {added} added, {updated} updated, version {next}", cancellationToken);
        return (next, added, updated);
    }

    /// <summary>Removes the targets (all must be live entries, or nothing is removed). Returns (version, removed).</summary>
    public async Task<(long Version, int Removed)> RemoveAsync(string user, IReadOnlyList<(string Kind, string Target)> targets, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (id, version) = await LockUserAsync(connection, transaction, user, cancellationToken);
        long next = version + 1;
        var removed = (await connection.QueryAsync<string>(new CommandDefinition("""
            UPDATE whitelist_entries SET removed_at = now(), version = @next
            WHERE user_id = @id AND removed_at IS NULL AND (target_kind, target) IN (SELECT * FROM unnest(@kinds, @targets))
            RETURNING target
            """, new { id, next, kinds = targets.Select(t => t.Kind).ToArray(), targets = targets.Select(t => t.Target).ToArray() },
            transaction, cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);
        var missing = targets.Where(t => !removed.Contains(t.Target)).Select(t => t.Target).ToList();
        if (missing.Count > 0)
        {
            // The transaction is rolled back on dispose: nothing is removed.
            throw Endpoints.ApiException.NotFound("not-found", $"not on the whitelist of {user}: {string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? ", ..." : string.Empty)}; nothing was removed");
        }

        await FinishAsync(connection, transaction, id, next, actor, "whitelist.remove", $"user {user}: {removed.Count} removed, version {next}", cancellationToken);
        return (next, removed.Count);
    }

    /// <summary>
    /// Learning (docs/whitelist.md §6): adds <paramref name="contact"/> to the list of the user who sends as <paramref name="recipient"/>,
    /// marked learned, unless it is listed already (its address or its domain), the user removed it once (the tombstone
    /// stays: a removal is not undone by learning), or the list is full. Returns (user, version, learned, why not).
    /// </summary>
    public async Task<(string? User, long Version, bool Learned, string? Reason)> LearnAsync(string recipient, string contact, string notes, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var user = (await connection.QueryAsync<(long Id, string Name, long Version)>(new CommandDefinition(
            "SELECT u.id, u.name, u.whitelist_version FROM user_addresses a JOIN users u ON u.id = a.user_id WHERE a.address = @recipient FOR UPDATE OF u",
            new { recipient }, transaction, cancellationToken: cancellationToken))).AsList();
        if (user.Count == 0)
        {
            return (null, 0, false, "no-user");
        }

        var (id, name, version) = user[0];
        string domain = contact[(contact.LastIndexOf('@') + 1)..];
        var existing = (await connection.QueryAsync<(string Kind, DateTime? RemovedAt)>(new CommandDefinition("""
            SELECT target_kind, removed_at FROM whitelist_entries
            WHERE user_id = @id AND ((target_kind = 'address' AND target = @contact) OR (target_kind = 'domain' AND target = @domain))
            """, new { id, contact, domain }, transaction, cancellationToken: cancellationToken))).AsList();
        if (existing.Any(e => e.RemovedAt is null))
        {
            return (name, version, false, "listed");
        }

        if (existing.Any(e => e.Kind == "address"))
        {
            return (name, version, false, "removed-by-user");
        }

        long live = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM whitelist_entries WHERE user_id = @id AND removed_at IS NULL", new { id }, transaction, cancellationToken: cancellationToken));
        if (live >= WhitelistLimits.MaxEntriesPerUser)
        {
            return (name, version, false, "full");
        }

        long next = version + 1;
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO whitelist_entries (user_id, target_kind, target, notes, version, learned) VALUES (@id, 'address', @contact, @notes, @next, true)
            """, new { id, contact, notes, next }, transaction, cancellationToken: cancellationToken));
        await FinishAsync(connection, transaction, id, next, "authd (learning)", "whitelist.learn", $"user {name}: learned {contact}, version {next}", cancellationToken);
        return (name, next, true, null);
    }

    /// <summary>The sender's user and list version, and whether the recipient (address or its domain) is a live entry; null when no user sends as the sender.</summary>
    public async Task<WhitelistCheckRow?> CheckAsync(string sender, string recipient, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        string domain = recipient[(recipient.LastIndexOf('@') + 1)..];
        return await connection.QuerySingleOrDefaultAsync<WhitelistCheckRow>(new CommandDefinition("""
            SELECT u.name, u.whitelist_version,
                   EXISTS (SELECT 1 FROM whitelist_entries e WHERE e.user_id = u.id AND e.removed_at IS NULL
                           AND ((e.target_kind = 'address' AND e.target = @recipient) OR (e.target_kind = 'domain' AND e.target = @domain))) AS listed
            FROM user_addresses a JOIN users u ON u.id = a.user_id WHERE a.address = @sender
            """, new { sender, recipient, domain }, cancellationToken: cancellationToken));
    }

    private static async Task<(long Id, long Version)> LockUserAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string user, CancellationToken cancellationToken)
    {
        var rows = (await connection.QueryAsync<(long Id, long Version)>(new CommandDefinition(
            "SELECT id, whitelist_version FROM users WHERE name = @user FOR UPDATE", new { user }, transaction, cancellationToken: cancellationToken))).AsList();
        return rows.Count == 1 ? rows[0] : throw UserRepository.NoUser(user);
    }

    private static async Task FinishAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long id, long next, string actor, string action, string detail,
        CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition("UPDATE users SET whitelist_version = @next WHERE id = @id", new { id, next }, transaction, cancellationToken: cancellationToken));
        await AuditLog.WriteAsync(connection, transaction, actor, action, null, null, detail, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
