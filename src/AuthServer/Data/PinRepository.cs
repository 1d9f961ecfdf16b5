using System.Data;
using Dapper;
using MailFilter.AuthServer.Discovery;
using Npgsql;

namespace MailFilter.AuthServer.Data;

/// <summary>
/// pinned_keys, key_pin_changes and discovery_state. Every change of one address's pins runs in one
/// transaction under a transaction-level advisory lock on the address, so two authd instances applying
/// answers for the same address (or an admin deciding meanwhile) run one after the other.
/// </summary>
public sealed class PinRepository(Database database)
{
    private const string PinColumns = """
        id, address, domain, key_use, algorithm, kid, public_key, not_before, not_after, revoked_at, revocation_reason, origin,
        state, confirmed_by, replaces_kid, is_current, source, first_seen, last_seen, confirmed_at
        """;

    private const string ChangeColumns = "id, address, key_use, old_kid, new_kid, seen_at, source, state, resolved_at, resolved_by";

    private readonly Database _database = database;

    /// <summary>The pins and fetch state of one address.</summary>
    public async Task<(IReadOnlyList<PinRow> Pins, DiscoveryStateRow? State)> LoadAsync(string address, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return (await PinsAsync(connection, null, address, cancellationToken), await StateAsync(connection, null, address, cancellationToken));
    }

    /// <summary>Pins and changes for the admin: of one address, one domain, or all; <paramref name="pendingOnly"/>: unconfirmed keys and pending changes.</summary>
    public async Task<(IReadOnlyList<PinRow> Pins, IReadOnlyList<PinChangeRow> Changes)> ListAsync(string? address, string? domain, bool pendingOnly,
        CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        var args = new { address, domain, pendingOnly };
        var pins = await connection.QueryAsync<PinRow>(new CommandDefinition($"""
            SELECT {PinColumns} FROM pinned_keys
            WHERE (@address::text IS NULL OR address = @address) AND (@domain::text IS NULL OR domain = @domain)
              AND (NOT @pendingOnly OR state = 'unconfirmed')
            ORDER BY address, key_use, is_current DESC, not_before DESC, id DESC
            """, args, cancellationToken: cancellationToken));
        var changes = await connection.QueryAsync<PinChangeRow>(new CommandDefinition($"""
            SELECT {ChangeColumns} FROM key_pin_changes
            WHERE (@address::text IS NULL OR address = @address) AND (@domain::text IS NULL OR split_part(address, '@', 2) = @domain)
              AND (NOT @pendingOnly OR state = 'pending')
            ORDER BY seen_at, id
            """, args, cancellationToken: cancellationToken));
        return (pins.AsList(), changes.AsList());
    }

    /// <summary>Applies a peer's answer: <paramref name="plan"/> decides from the pins read under the lock. Returns the plan and which pending changes are new.</summary>
    public async Task<(PinPlan Plan, List<PlannedChange> NewChanges)> ApplyAsync(string address, string domain, string source, DateTime now, PeerAnswer answer,
        Func<IReadOnlyList<PinRow>, PinPlan> plan, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, transaction, address, cancellationToken);
        var result = plan(await PinsAsync(connection, transaction, address, cancellationToken));
        await WritePinsAsync(connection, transaction, address, result, cancellationToken);
        var fresh = new List<PlannedChange>();
        foreach (var change in result.Changes)
        {
            if (await RecordChangeAsync(connection, transaction, address, source, now, change, cancellationToken))
            {
                fresh.Add(change);
            }
        }

        if (answer.Found)
        {
            // docs/conflicts.md §1: every key a discovery answer lists is an observation of the identity.
            await ConflictRepository.RecordDiscoveryAsync(connection, transaction, address, source,
                answer.Keys.Where(k => k.Use == MailFilter.AuthClient.Protocol.KeyUse.Sign).Select(k => MailFilter.Crypto.Keys.KeyId.Parse(k.Kid).ToArray()), cancellationToken);
        }

        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO discovery_state (address, domain, source, fetched_at, found, attempted_at, last_error)
            VALUES (@address, @domain, @source, @now, @found, @now, NULL)
            ON CONFLICT (address) DO UPDATE SET source = excluded.source, fetched_at = excluded.fetched_at, found = excluded.found,
                attempted_at = excluded.attempted_at, last_error = NULL
            """, new { address, domain, source, now, found = answer.Found }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return (result, fresh);
    }

    /// <summary>Remembers a failed fetch (so the next lookups wait refetch_interval before asking again).</summary>
    public async Task RecordFailureAsync(string address, string domain, string source, DateTime now, string error, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO discovery_state (address, domain, source, attempted_at, last_error) VALUES (@address, @domain, @source, @now, @error)
            ON CONFLICT (address) DO UPDATE SET source = excluded.source, attempted_at = excluded.attempted_at, last_error = excluded.last_error
            """, new { address, domain, source, now, error }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// An admin decision on pending changes: <paramref name="decide"/> gets the pins and pending changes read
    /// under the lock and changes the pins in place; it returns the ids of the changes it resolved. Empty: nothing was written.
    /// </summary>
    public async Task<IReadOnlyList<long>> DecideAsync(string address, string state, string actor, DateTime now,
        Func<IReadOnlyList<PinRow>, IReadOnlyList<PinChangeRow>, (PinPlan Plan, IReadOnlyList<PinChangeRow> Resolved)> decide, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, transaction, address, cancellationToken);
        var pending = (await connection.QueryAsync<PinChangeRow>(new CommandDefinition(
            $"SELECT {ChangeColumns} FROM key_pin_changes WHERE address = @address AND state = 'pending' ORDER BY seen_at, id",
            new { address }, transaction, cancellationToken: cancellationToken))).AsList();
        var (plan, resolved) = decide(await PinsAsync(connection, transaction, address, cancellationToken), pending);
        if (resolved.Count == 0)
        {
            return [];
        }

        await WritePinsAsync(connection, transaction, address, plan, cancellationToken);
        var ids = resolved.Select(c => c.Id).ToArray();
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE key_pin_changes SET state = @state, resolved_at = @now, resolved_by = @actor WHERE id = ANY(@ids)",
            new { state, now, actor, ids }, transaction, cancellationToken: cancellationToken));
        foreach (var change in resolved)
        {
            await AuditLog.WriteAsync(connection, transaction, actor, state == "accepted" ? "pin.accept" : "pin.reject", address, change.NewKid,
                $"{change.KeyUse} key replacing {(change.OldKid is null ? "nothing" : MailFilter.Crypto.Keys.KeyId.FromBytes(change.OldKid).ToString())}", cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return ids;
    }

    private static Task LockAsync(NpgsqlConnection connection, IDbTransaction transaction, string address, CancellationToken cancellationToken) =>
        // The first key is the address's hash; the second (0x4D465049, "MFPI") names "mailfilter pins" among the database's advisory locks.
        connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(hashtext(@address), 1296453705)", new { address }, transaction,
            cancellationToken: cancellationToken));

    private static async Task<IReadOnlyList<PinRow>> PinsAsync(NpgsqlConnection connection, IDbTransaction? transaction, string address, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<PinRow>(new CommandDefinition(
            $"SELECT {PinColumns} FROM pinned_keys WHERE address = @address ORDER BY key_use, is_current DESC, not_before DESC, id DESC",
            new { address }, transaction, cancellationToken: cancellationToken))).AsList();

    private static Task<DiscoveryStateRow?> StateAsync(NpgsqlConnection connection, IDbTransaction? transaction, string address, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<DiscoveryStateRow>(new CommandDefinition(
            "SELECT address, source, fetched_at, found, attempted_at, last_error FROM discovery_state WHERE address = @address",
            new { address }, transaction, cancellationToken: cancellationToken));

    private static async Task WritePinsAsync(NpgsqlConnection connection, IDbTransaction transaction, string address, PinPlan plan, CancellationToken cancellationToken)
    {
        // is_current is set last, after every row that loses it has been written: the partial unique index
        // pinned_keys_one_current is checked row by row.
        foreach (var pin in plan.Pins.Where(p => p.Id == 0))
        {
            pin.Id = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
                INSERT INTO pinned_keys (address, domain, key_use, algorithm, kid, public_key, not_before, not_after, revoked_at, revocation_reason, origin,
                    state, confirmed_by, replaces_kid, is_current, source, first_seen, last_seen, confirmed_at)
                VALUES (@Address, @Domain, @KeyUse, @Algorithm, @Kid, @PublicKey, @NotBefore, @NotAfter, @RevokedAt, @RevocationReason, @Origin,
                    @State, @ConfirmedBy, @ReplacesKid, false, @Source, @FirstSeen, @LastSeen, @ConfirmedAt)
                RETURNING id
                """, pin, transaction, cancellationToken: cancellationToken));
        }

        foreach (var pin in plan.Dirty.Where(p => p.Id != 0))
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE pinned_keys SET not_after = @NotAfter, revoked_at = @RevokedAt, revocation_reason = @RevocationReason, state = @State,
                    confirmed_by = @ConfirmedBy, replaces_kid = @ReplacesKid, is_current = false, last_seen = @LastSeen, confirmed_at = @ConfirmedAt
                WHERE id = @Id
                """, pin, transaction, cancellationToken: cancellationToken));
        }

        var current = plan.Pins.Where(p => p.IsCurrent).Select(p => p.Id).ToArray();
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE pinned_keys SET is_current = false WHERE address = @address AND is_current AND NOT (id = ANY(@current))",
            new { address, current }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE pinned_keys SET is_current = true WHERE id = ANY(@current)", new { current }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>Inserts a change unless the same pending change exists; an accepted one resolves a pending change of the same key. True if a row was added.</summary>
    private static async Task<bool> RecordChangeAsync(NpgsqlConnection connection, IDbTransaction transaction, string address, string source, DateTime now,
        PlannedChange change, CancellationToken cancellationToken)
    {
        var args = new { address, change.KeyUse, change.OldKid, change.NewKid, now, source, change.State, change.ResolvedBy };
        if (change.State == "accepted" && await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE key_pin_changes SET state = 'accepted', resolved_at = @now, resolved_by = @ResolvedBy
                WHERE address = @address AND key_use = @KeyUse AND new_kid = @NewKid AND state = 'pending'
                """, args, transaction, cancellationToken: cancellationToken)) > 0)
        {
            return false;
        }

        return await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO key_pin_changes (address, key_use, old_kid, new_kid, seen_at, source, state, resolved_at, resolved_by)
            VALUES (@address, @KeyUse, @OldKid, @NewKid, @now, @source, @State, CASE WHEN @State = 'pending' THEN NULL ELSE @now END, @ResolvedBy)
            ON CONFLICT (address, key_use, new_kid) WHERE state = 'pending' DO NOTHING
            """, args, transaction, cancellationToken: cancellationToken)) > 0;
    }
}
