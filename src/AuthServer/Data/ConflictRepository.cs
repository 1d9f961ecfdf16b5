using System.Data;
using System.Text.Json;
using Dapper;
using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Conflicts;
using MailFilter.AuthServer.Endpoints;
using MailFilter.Crypto.Keys;
using Npgsql;

namespace MailFilter.AuthServer.Data;

/// <summary>
/// observations, observation_history, conflicts and blacklist (docs/conflicts.md). An observation and the decision it
/// leads to run in one transaction under a transaction-level advisory lock on the (identity, recipient) pair, so
/// deliveries of one pair on any number of mailfilterd and authd instances are judged one after the other.
/// </summary>
public sealed class ConflictRepository(Database database)
{
    private const string ConflictColumns = """
        id, identity, recipient, kids, sources::text AS sources, window_start, opened_at, state, reason, decision, genuine_kids,
        CASE WHEN genuine_sources IS NULL THEN NULL ELSE array(SELECT host(x) FROM unnest(genuine_sources) x) END AS genuine_sources,
        forger_kids, CASE WHEN forger_sources IS NULL THEN NULL ELSE array(SELECT host(x) FROM unnest(forger_sources) x) END AS forger_sources,
        resolved_at, resolved_by, notified_at
        """;

    private const string BlacklistColumns = "id, kind, host(client_addr) AS address, kid, identity, reason, conflict_id, created_at, created_by, until, removed_at, removed_by";

    private const string Live = "removed_at IS NULL AND (until IS NULL OR until > now())";

    private readonly Database _database = database;

    /// <summary>Records <paramref name="o"/> and decides the delivery: refused when the host or the kid is blacklisted, held
    /// while a conflict blocks the pair, otherwise detection (and at once the history check) over the last <paramref name="window"/>.</summary>
    public async Task<ObserveOutcome> ObserveAsync(Observation o, TimeSpan window, CancellationToken cancellationToken)
    {
        var kid = o.Kid.ToArray();
        await using var connection = await _database.OpenAsync(cancellationToken);

        // The common case in one round trip (one implicit transaction): lock the pair, record the delivery and its host
        // history, then ask for a blacklisted host or kid, a blocking conflict, and another kid of the pair within the
        // window (two probes of observations_pair whatever the pair's volume). The lock is a statement of its own, so
        // the probes' snapshot is taken after it is granted and sees every earlier delivery of the pair.
        var probe = await FastPathAsync(connection, o, kid, window, cancellationToken);
        if (probe.Blacklisted is { } listedId)
        {
            var listed = await connection.QuerySingleAsync<BlacklistRow>(new CommandDefinition(
                $"SELECT {BlacklistColumns} FROM blacklist WHERE id = @listedId", new { listedId }, cancellationToken: cancellationToken));
            return new ObserveOutcome(ObservationDecision.Refuse, listed.ConflictId, BlacklistReason(listed, o.Identity), null);
        }

        if (probe.Blocked is { } blockedId)
        {
            return new ObserveOutcome(ObservationDecision.Tempfail, blockedId, $"signature conflict {blockedId} for {o.Identity} is open", null);
        }

        if (!probe.AnotherKid)
        {
            return new ObserveOutcome(ObservationDecision.Deliver, null, null, null);
        }

        // Another kid is in the window: judge it in a transaction of its own under the same lock. A delivery of the pair
        // in between may have opened the conflict already, so that is asked again first.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var args = new { identity = o.Identity, recipient = o.Recipient, kid, window };
        await Q(connection, transaction, $"SELECT pg_advisory_xact_lock(hashtext(@identity || ' ' || @recipient), {PairLockSpace})", args, cancellationToken);
        var meanwhile = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT id FROM conflicts WHERE identity = @identity AND recipient = @recipient AND state = 'blocked'", args, transaction, cancellationToken: cancellationToken));
        if (meanwhile is { } meanwhileId)
        {
            await transaction.CommitAsync(cancellationToken);
            return new ObserveOutcome(ObservationDecision.Tempfail, meanwhileId, $"signature conflict {meanwhileId} for {o.Identity} is open", null);
        }

        // The pair's deliveries within the window, less those of blacklisted hosts and keys (their mail is refused anyway).
        var rows = (await connection.QueryAsync<WindowRow>(new CommandDefinition($"""
            SELECT o.kid, host(o.client_addr) AS address, max(o.helo) AS helo, min(o.observed_at) AS first, max(o.observed_at) AS last, count(*) AS count
            FROM observations o
            WHERE o.kind = 'delivery' AND o.identity = @identity AND o.recipient = @recipient AND o.observed_at > now() - @window
              AND NOT EXISTS (SELECT 1 FROM blacklist b WHERE b.{Live} AND ((b.kind = 'kid' AND b.kid = o.kid) OR (b.kind = 'address' AND b.client_addr = o.client_addr)))
            GROUP BY o.kid, o.client_addr
            """, args, transaction, cancellationToken: cancellationToken))).AsList();
        if (rows.Select(r => KeyId.FromBytes(r.Kid)).Distinct().Count() < 2)
        {
            await transaction.CommitAsync(cancellationToken);
            return new ObserveOutcome(ObservationDecision.Deliver, null, null, null);
        }

        var lineage = ConflictDecider.Lineages(rows.Select(r => KeyId.FromBytes(r.Kid)), await LinksAsync(connection, transaction, o.Identity, o.Recipient, cancellationToken));
        if (lineage.Values.Distinct().Count() < 2)
        {
            await transaction.CommitAsync(cancellationToken);
            return new ObserveOutcome(ObservationDecision.Deliver, null, null, null);
        }

        var windowStart = rows.Min(r => r.First);
        var addresses = rows.Where(r => r.Address is not null).Select(r => r.Address!).Distinct().ToArray();
        var withHistory = (await connection.QueryAsync<string>(new CommandDefinition("""
            SELECT host(client_addr) FROM observation_history
            WHERE identity = @identity AND recipient = @recipient AND client_addr = ANY(@addresses::inet[]) AND first_seen < @windowStart
            """, new { identity = o.Identity, recipient = o.Recipient, addresses, windowStart }, transaction, cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);
        var sources = rows.Select(r => new WindowSource(KeyId.FromBytes(r.Kid), r.Address, r.Helo, r.First, r.Last, r.Count)
        {
            History = r.Address is not null && withHistory.Contains(r.Address),
        }).OrderBy(s => s.First).ToList();
        var verdict = ConflictDecider.Decide(sources, lineage);
        long id = await InsertConflictAsync(connection, transaction, o.Identity, o.Recipient, sources, windowStart, verdict, cancellationToken);
        await AuditLog.WriteAsync(connection, transaction, "authd", "conflict.open", o.Identity, null,
            $"conflict {id}: {o.Identity} to {o.Recipient}, {sources.Select(s => s.Kid).Distinct().Count()} keys; {(verdict.Decided ? "decided" : "blocked")}: {verdict.Reason}", cancellationToken);
        if (verdict.Decided)
        {
            await BlacklistForgersAsync(connection, transaction, id, o.Identity, verdict, "authd", cancellationToken);
        }

        var opened = await GetAsync(connection, transaction, id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (!verdict.Decided)
        {
            return new ObserveOutcome(ObservationDecision.Tempfail, id, $"signature conflict {id} for {o.Identity} is open", opened);
        }

        bool forged = (o.Address is not null && verdict.ForgerSources.Contains(o.Address)) || verdict.ForgerKids.Contains(o.Kid);
        return forged
            ? new ObserveOutcome(ObservationDecision.Refuse, id, $"forged signature of {o.Identity} (conflict {id}): sending host and key blacklisted", opened)
            : new ObserveOutcome(ObservationDecision.Deliver, id, null, opened);
    }

    /// <summary>The admin's decision on a blocked conflict: <paramref name="genuine"/> names the genuine host (the hosts with
    /// another key lineage are blacklisted), or <paramref name="release"/> accepts every key. 409 when it is not blocked.</summary>
    public async Task<ConflictRow> ResolveAsync(long id, string? genuine, bool release, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ConflictRow>(new CommandDefinition(
            $"SELECT {ConflictColumns} FROM conflicts WHERE id = @id FOR UPDATE", new { id }, transaction, cancellationToken: cancellationToken))
            ?? throw ApiException.NotFound("not-found", $"no conflict {id}");
        if (row.State != "blocked")
        {
            throw ApiException.Conflict("not-blocked", $"conflict {id} was resolved already ({row.Decision}, {row.ResolvedBy}): nothing changed");
        }

        var sources = JsonSerializer.Deserialize(row.Sources, ConflictJson.Default.IReadOnlyListConflictSource) ?? [];
        ConflictVerdict verdict;
        if (release)
        {
            verdict = new ConflictVerdict(true, "released by the admin: every key is genuine")
            {
                GenuineKids = [.. row.Kids.Select(k => KeyId.FromBytes(k)).Order()],
                GenuineSources = [.. sources.Where(s => s.Address is not null).Select(s => s.Address!).Distinct().Order(StringComparer.Ordinal)],
            };
        }
        else
        {
            if (!sources.Any(s => s.Address == genuine))
            {
                throw ApiException.BadRequest($"genuine: {genuine} is not a sending host of conflict {id} (its hosts: {string.Join(", ", sources.Select(s => s.Address ?? "unknown").Distinct())}); nothing changed");
            }

            var kids = sources.Select(s => KeyId.Parse(s.Kid)).ToList();
            var lineage = ConflictDecider.Lineages(kids, await LinksAsync(connection, transaction, row.Identity, row.Recipient, cancellationToken));
            var genuineLineages = sources.Where(s => s.Address == genuine).Select(s => lineage[KeyId.Parse(s.Kid)]).Distinct().ToList();
            if (genuineLineages.Count > 1)
            {
                throw ApiException.BadRequest($"genuine: {genuine} used more than one key in conflict {id}; release the conflict or blacklist by key instead; nothing changed");
            }

            var good = sources.Where(s => lineage[KeyId.Parse(s.Kid)] == genuineLineages[0]).ToList();
            var bad = sources.Where(s => lineage[KeyId.Parse(s.Kid)] != genuineLineages[0]).ToList();
            var overlap = bad.Where(s => s.Address is not null && good.Any(g => g.Address == s.Address)).Select(s => s.Address).FirstOrDefault();
            if (overlap is not null)
            {
                throw ApiException.BadRequest($"genuine: host {overlap} used the genuine key and another one; release the conflict or blacklist by key instead; nothing changed");
            }

            verdict = new ConflictVerdict(true, $"decided by the admin: {genuine} is genuine")
            {
                GenuineKids = [.. good.Select(s => KeyId.Parse(s.Kid)).Distinct().Order()],
                GenuineSources = [.. good.Where(s => s.Address is not null).Select(s => s.Address!).Distinct().Order(StringComparer.Ordinal)],
                ForgerKids = [.. bad.Select(s => KeyId.Parse(s.Kid)).Distinct().Order()],
                ForgerSources = [.. bad.Where(s => s.Address is not null).Select(s => s.Address!).Distinct().Order(StringComparer.Ordinal)],
            };
        }

        await Q(connection, transaction, """
            UPDATE conflicts SET state = 'resolved', decision = @decision, reason = @reason, resolved_at = now(), resolved_by = @actor,
                genuine_kids = @genuineKids::bytea[], genuine_sources = @genuineSources::inet[], forger_kids = @forgerKids::bytea[], forger_sources = @forgerSources::inet[]
            WHERE id = @id
            """, new
        {
            id,
            decision = release ? "released" : "admin",
            reason = verdict.Reason,
            actor,
            genuineKids = verdict.GenuineKids.Select(k => k.ToArray()).ToArray(),
            genuineSources = verdict.GenuineSources.ToArray(),
            forgerKids = release ? null : verdict.ForgerKids.Select(k => k.ToArray()).ToArray(),
            forgerSources = release ? null : verdict.ForgerSources.ToArray(),
        }, cancellationToken);
        await AuditLog.WriteAsync(connection, transaction, actor, "conflict.resolve", row.Identity, null, $"conflict {id}: {verdict.Reason}", cancellationToken);
        if (!release)
        {
            await BlacklistForgersAsync(connection, transaction, id, row.Identity, verdict, actor, cancellationToken);
        }

        var resolved = await GetAsync(connection, transaction, id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return resolved!;
    }

    public async Task<IReadOnlyList<ConflictRow>> ListAsync(string? state, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<ConflictRow>(new CommandDefinition(
            $"SELECT {ConflictColumns} FROM conflicts WHERE (@state::text IS NULL OR state = @state) ORDER BY opened_at DESC, id DESC LIMIT @limit",
            new { state, limit }, cancellationToken: cancellationToken))).AsList();
    }

    public async Task<ConflictRow?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await GetAsync(connection, null, id, cancellationToken);
    }

    public async Task MarkNotifiedAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("UPDATE conflicts SET notified_at = now() WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<BlacklistRow>> ListBlacklistAsync(bool all, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<BlacklistRow>(new CommandDefinition(
            $"SELECT {BlacklistColumns} FROM blacklist WHERE @all OR ({Live}) ORDER BY id", new { all }, cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>Adds a host or a kid; 409 <c>listed</c> when a live entry for it exists.</summary>
    public async Task<BlacklistRow> AddBlacklistAsync(string? address, KeyId? kid, string? identity, string reason, DateTime? until, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // An entry that expired by itself is closed first, so the live-entry index admits the new one.
        await Q(connection, transaction, """
            UPDATE blacklist SET removed_at = now(), removed_by = 'expired'
            WHERE removed_at IS NULL AND until <= now() AND ((kind = 'address' AND client_addr = @address::inet) OR (kind = 'kid' AND kid = @kid::bytea))
            """, new { address, kid = kid?.ToArray() }, cancellationToken);
        var id = await InsertBlacklistAsync(connection, transaction, address, kid, identity, reason, null, until, actor, cancellationToken)
            ?? throw ApiException.Conflict("listed", $"{(address is not null ? "host " + address : "key " + kid)} is on the blacklist already; nothing changed");
        await AuditLog.WriteAsync(connection, transaction, actor, "blacklist.add", identity, kid?.ToArray(), $"entry {id}: {address ?? kid.ToString()}: {reason}", cancellationToken);
        var row = await connection.QuerySingleAsync<BlacklistRow>(new CommandDefinition($"SELECT {BlacklistColumns} FROM blacklist WHERE id = @id", new { id }, transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return row;
    }

    /// <summary>Ends a live entry (by id, host or kid); 404 when there is none.</summary>
    public async Task<BlacklistRow> RemoveBlacklistAsync(long? id, string? address, KeyId? kid, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var removed = await connection.QueryFirstOrDefaultAsync<long?>(new CommandDefinition($"""
            UPDATE blacklist SET removed_at = now(), removed_by = @actor
            WHERE {Live} AND (id = @id OR (kind = 'address' AND client_addr = @address::inet) OR (kind = 'kid' AND kid = @kid::bytea))
            RETURNING id
            """, new { id, address, kid = kid?.ToArray(), actor }, transaction, cancellationToken: cancellationToken))
            ?? throw ApiException.NotFound("not-found", $"{(id is not null ? "entry " + id : address is not null ? "host " + address : "key " + kid)} is not on the blacklist; nothing changed");
        var row = await connection.QuerySingleAsync<BlacklistRow>(new CommandDefinition($"SELECT {BlacklistColumns} FROM blacklist WHERE id = @removed", new { removed }, transaction,
            cancellationToken: cancellationToken));
        await AuditLog.WriteAsync(connection, transaction, actor, "blacklist.remove", row.Identity, row.Kid, $"entry {row.Id}: {row.Address ?? KeyId.FromBytes(row.Kid!).ToString()}",
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return row;
    }

    /// <summary>Deletes up to <paramref name="batch"/> observations older than <paramref name="retention"/> and history rows
    /// unseen for <paramref name="historyRetention"/>; returns how many rows went.</summary>
    public async Task<int> PruneAsync(TimeSpan retention, TimeSpan historyRetention, int batch, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        int observations = await connection.ExecuteAsync(new CommandDefinition("""
            DELETE FROM observations WHERE id IN (SELECT id FROM observations WHERE observed_at < now() - @retention ORDER BY observed_at LIMIT @batch)
            """, new { retention, batch }, cancellationToken: cancellationToken));
        int history = await connection.ExecuteAsync(new CommandDefinition("""
            DELETE FROM observation_history WHERE ctid IN (SELECT ctid FROM observation_history WHERE last_seen < now() - @historyRetention LIMIT @batch)
            """, new { historyRetention, batch }, cancellationToken: cancellationToken));
        return observations + history;
    }

    /// <summary>Records the keys a discovery answer listed (kind 'discovery'), in the fetch's transaction.</summary>
    public static Task RecordDiscoveryAsync(NpgsqlConnection connection, IDbTransaction transaction, string address, string source, IEnumerable<byte[]> kids,
        CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO observations (kind, identity, kid, source, verified) SELECT 'discovery', @address, k, @source, true FROM unnest(@kids) AS k
            """, new { address, source, kids = kids.ToArray() }, transaction, cancellationToken: cancellationToken));

    public static string BlacklistReason(BlacklistRow row, string identity) => row.Kind == "address"
        ? $"sending host {row.Address} is blacklisted ({row.Reason})"
        : $"key {KeyId.FromBytes(row.Kid!)} claimed for {identity} is blacklisted ({row.Reason})";

    /// <summary>Kid pairs of one lineage: rotations the sender's server announced (pinned by discovery, or this server's own),
    /// and the kids of this pair's conflicts the admin released.</summary>
    private static async Task<List<(KeyId, KeyId)>> LinksAsync(NpgsqlConnection connection, IDbTransaction transaction, string identity, string recipient,
        CancellationToken cancellationToken)
    {
        var links = (await connection.QueryAsync<(byte[] A, byte[] B)>(new CommandDefinition("""
            SELECT old_kid, new_kid FROM key_pin_changes
            WHERE address = @identity AND key_use = 'sign' AND state = 'accepted' AND resolved_by = 'announcement' AND old_kid IS NOT NULL
            UNION ALL
            SELECT r.old_kid, r.new_kid FROM key_rotations r JOIN addresses a ON a.id = r.address_id WHERE a.address = @identity AND r.key_use = 'sign'
            """, new { identity }, transaction, cancellationToken: cancellationToken)))
            .Select(l => (KeyId.FromBytes(l.A), KeyId.FromBytes(l.B))).ToList();
        var released = await connection.QueryAsync<byte[][]>(new CommandDefinition(
            "SELECT genuine_kids FROM conflicts WHERE identity = @identity AND recipient = @recipient AND decision = 'released'",
            new { identity, recipient }, transaction, cancellationToken: cancellationToken));
        foreach (var set in released)
        {
            for (int i = 1; i < set.Length; i++)
            {
                links.Add((KeyId.FromBytes(set[0]), KeyId.FromBytes(set[i])));
            }
        }

        return links;
    }

    private static async Task<long> InsertConflictAsync(NpgsqlConnection connection, IDbTransaction transaction, string identity, string recipient,
        IReadOnlyList<WindowSource> sources, DateTime windowStart, ConflictVerdict verdict, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize<IReadOnlyList<ConflictSource>>([.. sources.Select(s => new ConflictSource
        {
            Kid = s.Kid.ToString(),
            Address = s.Address,
            Helo = s.Helo,
            First = Utc(s.First),
            Last = Utc(s.Last),
            Count = s.Count,
            History = s.History,
        })], ConflictJson.Default.IReadOnlyListConflictSource);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO conflicts (identity, recipient, kids, sources, window_start, state, reason, decision, genuine_kids, genuine_sources, forger_kids, forger_sources,
                                   resolved_at, resolved_by)
            VALUES (@identity, @recipient, @kids, @json::jsonb, @windowStart, @state, @reason, @decision, @genuineKids::bytea[], @genuineSources::inet[], @forgerKids::bytea[],
                    @forgerSources::inet[], CASE WHEN @decided THEN now() END, CASE WHEN @decided THEN 'authd' END)
            RETURNING id
            """, new
        {
            identity,
            recipient,
            kids = sources.Select(s => s.Kid).Distinct().Order().Select(k => k.ToArray()).ToArray(),
            json,
            windowStart,
            state = verdict.Decided ? "resolved" : "blocked",
            reason = verdict.Reason,
            decision = verdict.Decided ? "history" : null,
            decided = verdict.Decided,
            genuineKids = verdict.Decided ? verdict.GenuineKids.Select(k => k.ToArray()).ToArray() : null,
            genuineSources = verdict.Decided ? verdict.GenuineSources.ToArray() : null,
            forgerKids = verdict.Decided ? verdict.ForgerKids.Select(k => k.ToArray()).ToArray() : null,
            forgerSources = verdict.Decided ? verdict.ForgerSources.ToArray() : null,
        }, transaction, cancellationToken: cancellationToken));
    }

    private static async Task BlacklistForgersAsync(NpgsqlConnection connection, IDbTransaction transaction, long conflictId, string identity, ConflictVerdict verdict,
        string actor, CancellationToken cancellationToken)
    {
        string reason = $"forged signatures of {identity} (conflict {conflictId})";
        foreach (var address in verdict.ForgerSources)
        {
            await InsertBlacklistAsync(connection, transaction, address, null, identity, reason, conflictId, null, actor, cancellationToken);
        }

        foreach (var kid in verdict.ForgerKids)
        {
            await InsertBlacklistAsync(connection, transaction, null, kid, identity, reason, conflictId, null, actor, cancellationToken);
        }

        await AuditLog.WriteAsync(connection, transaction, actor, "blacklist.add", identity, null,
            $"conflict {conflictId}: {string.Join(", ", verdict.ForgerSources.Concat(verdict.ForgerKids.Select(k => k.ToString())))}", cancellationToken);
    }

    /// <summary>Inserts a live entry; null when one exists for the host or kid already.</summary>
    private static Task<long?> InsertBlacklistAsync(NpgsqlConnection connection, IDbTransaction transaction, string? address, KeyId? kid, string? identity, string reason,
        long? conflictId, DateTime? until, string actor, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<long?>(new CommandDefinition($"""
            INSERT INTO blacklist (kind, client_addr, kid, identity, reason, conflict_id, until, created_by)
            VALUES (@kind, @address::inet, @kid::bytea, @identity, @reason, @conflictId, @until, @actor)
            ON CONFLICT DO NOTHING
            RETURNING id
            """, new { kind = address is not null ? "address" : "kid", address, kid = kid?.ToArray(), identity, reason, conflictId, until, actor },
            transaction, cancellationToken: cancellationToken));

    private static Task<ConflictRow?> GetAsync(NpgsqlConnection connection, IDbTransaction? transaction, long id, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<ConflictRow>(new CommandDefinition($"SELECT {ConflictColumns} FROM conflicts WHERE id = @id", new { id }, transaction,
            cancellationToken: cancellationToken));

    // pg_advisory_xact_lock's key for one (identity, recipient) pair is hashtext(identity || ' ' || recipient) in this space.
    private const int PairLockSpace = 1296253775;

    private sealed record Probe(long? Blacklisted, long? Blocked, bool AnotherKid);

    private static async Task<Probe> FastPathAsync(NpgsqlConnection connection, Observation o, byte[] kid, TimeSpan window, CancellationToken cancellationToken)
    {
        // Positional parameters, the same in every statement: $1 identity, $2 recipient, $3 kid, $4 client address,
        // $5 helo, $6 queue id, $7 verified, $8 window.
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock(hashtext($1 || ' ' || $2), {PairLockSpace})"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO observations (kind, identity, kid, client_addr, helo, recipient, queue_id, verified)
            VALUES ('delivery', $1, $3, $4::inet, $5, $2, $6, $7)
            """));
        if (o.Address is not null)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("""
                INSERT INTO observation_history AS h (identity, recipient, client_addr, first_seen, last_seen, sessions, last_kid, last_helo)
                VALUES ($1, $2, $4::inet, now(), now(), 1, $3, $5)
                ON CONFLICT (identity, recipient, client_addr) DO UPDATE
                    SET last_seen = greatest(h.last_seen, excluded.last_seen), sessions = h.sessions + 1, last_kid = excluded.last_kid, last_helo = excluded.last_helo
                """));
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand($"""
            SELECT (SELECT id FROM blacklist WHERE {Live} AND ((kind = 'address' AND client_addr = $4::inet) OR (kind = 'kid' AND kid = $3)) ORDER BY id LIMIT 1),
                   (SELECT id FROM conflicts WHERE identity = $1 AND recipient = $2 AND state = 'blocked'),
                   EXISTS (SELECT 1 FROM observations WHERE kind = 'delivery' AND identity = $1 AND recipient = $2 AND kid < $3 AND observed_at > now() - $8)
                OR EXISTS (SELECT 1 FROM observations WHERE kind = 'delivery' AND identity = $1 AND recipient = $2 AND kid > $3 AND observed_at > now() - $8)
            """));
        foreach (var command in batch.BatchCommands)
        {
            // Every statement gets the whole list; PostgreSQL wants each $n it names to have a type it can infer, and
            // the unused ones are sent as typed values.
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = o.Identity });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = o.Recipient });
            command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = kid });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)o.Address ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)o.Helo ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)o.QueueId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = o.Verified });
            command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = window });
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (reader.FieldCount != 3 || !await reader.ReadAsync(cancellationToken))
        {
            if (!await reader.NextResultAsync(cancellationToken))
            {
                throw new InvalidOperationException("the observation batch answered no probe row");
            }
        }

        return new Probe(reader.IsDBNull(0) ? null : reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetBoolean(2));
    }

    private static Task<int> Q(NpgsqlConnection connection, IDbTransaction transaction, string sql, object args, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(sql, args, transaction, cancellationToken: cancellationToken));

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));
}
