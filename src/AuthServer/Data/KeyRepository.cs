using System.Data;
using Dapper;
using Npgsql;

namespace MailFilter.AuthServer.Data;

/// <summary>
/// The keys and addresses tables. Reads use the pool; changes that touch several rows take a connection
/// and transaction from the caller and lock the address row first (<see cref="LockAddressAsync"/>), so two
/// admin operations on one address run one after the other.
/// </summary>
public sealed class KeyRepository(Database database)
{
    private const string Columns = """
        k.id, k.address_id, a.address, k.key_use, k.algorithm, k.kid, k.public_key, k.sealed_private_key,
        k.not_before, k.not_after, k.revoked_at, k.revocation_reason, k.origin
        """;

    private readonly Database _database = database;

    public Database Database => _database;

    /// <summary>The keys of an address (one use or both): current first, then newest first.</summary>
    public async Task<IReadOnlyList<KeyRow>> GetByAddressAsync(string address, string? keyUse, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<KeyRow>(new CommandDefinition($"""
            SELECT {Columns} FROM keys k JOIN addresses a ON a.id = k.address_id
            WHERE a.address = @address AND (@keyUse::text IS NULL OR k.key_use = @keyUse)
            ORDER BY k.key_use, (k.not_after IS NULL) DESC, k.not_before DESC, k.id DESC
            """, new { address, keyUse }, cancellationToken: cancellationToken))).AsList();
    }

    public async Task<KeyRow?> GetByKidAsync(byte[] kid, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition(
            $"SELECT {Columns} FROM keys k JOIN addresses a ON a.id = k.address_id WHERE k.kid = @kid", new { kid }, cancellationToken: cancellationToken));
    }

    /// <summary>Every key, or those of one address or one domain, ordered by address.</summary>
    public async Task<IReadOnlyList<KeyRow>> ListAsync(string? address, string? domain, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<KeyRow>(new CommandDefinition($"""
            SELECT {Columns} FROM keys k JOIN addresses a ON a.id = k.address_id
            WHERE (@address::text IS NULL OR a.address = @address) AND (@domain::text IS NULL OR a.domain = @domain)
            ORDER BY a.address, k.key_use, (k.not_after IS NULL) DESC, k.not_before DESC, k.id DESC
            """, new { address, domain }, cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>
    /// Creation on first use: inserts <paramref name="key"/> as the current key unless the address already
    /// has one for that use. Returns the inserted row, or null when another request (here or on another
    /// authd) won: the partial unique index keys_one_current decides, so there is exactly one.
    /// </summary>
    public async Task<KeyRow?> InsertCurrentIfAbsentAsync(string address, string domain, NewKey key, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        long addressId = await EnsureAddressAsync(connection, null, address, domain, cancellationToken);
        long? id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("""
            INSERT INTO keys (address_id, key_use, algorithm, kid, public_key, sealed_private_key, not_before, origin)
            VALUES (@addressId, @KeyUse, @Algorithm, @Kid, @PublicKey, @SealedPrivateKey, @NotBefore, @Origin)
            ON CONFLICT (address_id, key_use) WHERE not_after IS NULL DO NOTHING
            RETURNING id
            """, new { addressId, key.KeyUse, key.Algorithm, key.Kid, key.PublicKey, key.SealedPrivateKey, key.NotBefore, key.Origin },
            cancellationToken: cancellationToken));
        if (id is null)
        {
            return null;
        }

        await AuditLog.WriteAsync(connection, null, "authd", "key.create", address, key.Kid, $"{key.KeyUse} key created on first use", cancellationToken);
        return await connection.QuerySingleAsync<KeyRow>(new CommandDefinition(
            $"SELECT {Columns} FROM keys k JOIN addresses a ON a.id = k.address_id WHERE k.id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>Inserts the address if new and locks its row until the transaction ends; returns its id.</summary>
    public static async Task<long> LockAddressAsync(NpgsqlConnection connection, IDbTransaction transaction, string address, string domain, CancellationToken cancellationToken)
    {
        await EnsureAddressAsync(connection, transaction, address, domain, cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT id FROM addresses WHERE address = @address FOR UPDATE", new { address }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>The keys of a locked address, as <see cref="GetByAddressAsync"/> orders them.</summary>
    public static async Task<IReadOnlyList<KeyRow>> GetForUpdateAsync(NpgsqlConnection connection, IDbTransaction transaction, long addressId, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<KeyRow>(new CommandDefinition($"""
            SELECT {Columns} FROM keys k JOIN addresses a ON a.id = k.address_id WHERE k.address_id = @addressId
            ORDER BY k.key_use, (k.not_after IS NULL) DESC, k.not_before DESC, k.id DESC
            """, new { addressId }, transaction, cancellationToken: cancellationToken))).AsList();

    /// <summary>Ends the validity of the current key of one use (rotation); returns whether there was one.</summary>
    public static async Task<bool> RetireCurrentAsync(NpgsqlConnection connection, IDbTransaction transaction, long addressId, string keyUse, DateTime at, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE keys SET not_after = greatest(@at, not_before) WHERE address_id = @addressId AND key_use = @keyUse AND not_after IS NULL",
            new { addressId, keyUse, at }, transaction, cancellationToken: cancellationToken)) > 0;

    public static async Task InsertAsync(NpgsqlConnection connection, IDbTransaction transaction, long addressId, NewKey key, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO keys (address_id, key_use, algorithm, kid, public_key, sealed_private_key, not_before, not_after, revoked_at, revocation_reason, origin)
            VALUES (@addressId, @KeyUse, @Algorithm, @Kid, @PublicKey, @SealedPrivateKey, @NotBefore, @NotAfter, @RevokedAt, @RevocationReason, @Origin)
            """, new { addressId, key.KeyUse, key.Algorithm, key.Kid, key.PublicKey, key.SealedPrivateKey, key.NotBefore, key.NotAfter, key.RevokedAt, key.RevocationReason, key.Origin },
            transaction, cancellationToken: cancellationToken));

    /// <summary>Revokes one key: it verifies nothing any more and, if it was current, stops being current.</summary>
    public static async Task<bool> RevokeAsync(NpgsqlConnection connection, IDbTransaction transaction, byte[] kid, DateTime at, string? reason, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE keys SET revoked_at = @at, revocation_reason = @reason, not_after = coalesce(not_after, greatest(@at, not_before))
            WHERE kid = @kid AND revoked_at IS NULL
            """, new { kid, at, reason }, transaction, cancellationToken: cancellationToken)) > 0;

    public async Task<KeyStatistics> StatisticsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await connection.QuerySingleAsync<KeyStatistics>(new CommandDefinition("""
            SELECT (SELECT count(*) FROM addresses) AS addresses,
                   count(*) FILTER (WHERE not_after IS NULL) AS current,
                   count(*) FILTER (WHERE not_after IS NOT NULL AND revoked_at IS NULL) AS retired,
                   count(*) FILTER (WHERE revoked_at IS NOT NULL) AS revoked
            FROM keys
            """, cancellationToken: cancellationToken));
    }

    private static async Task<long> EnsureAddressAsync(NpgsqlConnection connection, IDbTransaction? transaction, string address, string domain, CancellationToken cancellationToken)
    {
        // Two statements, not a CTE: after ON CONFLICT DO NOTHING waited for a concurrent insert of the same
        // address, only a new statement (a new snapshot) sees that row.
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO addresses (address, domain) VALUES (@address, @domain) ON CONFLICT (address) DO NOTHING",
            new { address, domain }, transaction, cancellationToken: cancellationToken));
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT id FROM addresses WHERE address = @address", new { address }, transaction, cancellationToken: cancellationToken));
    }
}
