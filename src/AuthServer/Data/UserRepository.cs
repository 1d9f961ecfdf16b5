using Dapper;
using MailFilter.AuthServer.Endpoints;
using Npgsql;

namespace MailFilter.AuthServer.Data;

/// <summary>users and user_addresses (docs/whitelist.md §1). Changes run in one transaction and write audit_log.</summary>
public sealed class UserRepository(Database database)
{
    internal const string UserSelect = """
        SELECT u.id, u.name, u.kind, u.whitelist_version, u.created_at,
               coalesce((SELECT array_agg(a.address ORDER BY a.address) FROM user_addresses a WHERE a.user_id = u.id), '{}') AS addresses,
               (SELECT count(*) FROM whitelist_entries e WHERE e.user_id = u.id AND e.removed_at IS NULL) AS entries
        FROM users u
        """;

    private readonly Database _database = database;

    public async Task<IReadOnlyList<UserRow>> ListAsync(string? name, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<UserRow>(new CommandDefinition(
            UserSelect + " WHERE (@name::text IS NULL OR u.name = @name) ORDER BY u.name", new { name }, cancellationToken: cancellationToken))).AsList();
    }

    public async Task<UserRow> AddAsync(string name, string passwordHash, string kind, IReadOnlyList<string> addresses, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "INSERT INTO users (name, password_hash, kind) VALUES (@name, @passwordHash, @kind) ON CONFLICT (name) DO NOTHING RETURNING id",
            new { name, passwordHash, kind }, transaction, cancellationToken: cancellationToken))
            ?? throw ApiException.Conflict("user-exists", $"user {name} exists already (mailfilterctl users passwd changes its password)");
        var taken = (await connection.QueryAsync<(string Address, string Name)>(new CommandDefinition("""
            SELECT a.address, u.name FROM user_addresses a JOIN users u ON u.id = a.user_id WHERE a.address = ANY(@addresses)
            """, new { addresses = addresses.ToArray() }, transaction, cancellationToken: cancellationToken))).AsList();
        if (taken.Count > 0)
        {
            throw ApiException.Conflict("address-taken", $"{taken[0].Address} already belongs to user {taken[0].Name}: an address sends as one user only");
        }

        try
        {
            await connection.ExecuteAsync(new CommandDefinition("INSERT INTO user_addresses (address, user_id) SELECT unnest(@addresses), @id",
                new { addresses = addresses.ToArray(), id }, transaction, cancellationToken: cancellationToken));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw ApiException.Conflict("address-taken", "an address was given to another user meanwhile: try again");
        }

        await AuditLog.WriteAsync(connection, transaction, actor, "user.add", addresses.Count > 0 ? addresses[0] : null, null, $"user {name} ({kind}), {addresses.Count} addresses", cancellationToken);
        var row = await GetAsync(connection, transaction, name, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return row!;
    }

    public async Task<UserRow> SetPasswordAsync(string name, string passwordHash, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        int rows = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET password_hash = @passwordHash, password_changed_at = now() WHERE name = @name",
            new { name, passwordHash }, transaction, cancellationToken: cancellationToken));
        if (rows == 0)
        {
            throw NoUser(name);
        }

        await AuditLog.WriteAsync(connection, transaction, actor, "user.passwd", null, null, $"user {name}", cancellationToken);
        var row = await GetAsync(connection, transaction, name, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return row!;
    }

    /// <summary>Removes the user with its addresses and its whole list.</summary>
    public async Task<UserRow> RemoveAsync(string name, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = await GetAsync(connection, transaction, name, cancellationToken) ?? throw NoUser(name);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM users WHERE id = @Id", new { row.Id }, transaction, cancellationToken: cancellationToken));
        await AuditLog.WriteAsync(connection, transaction, actor, "user.remove", null, null, $"user {name}, {row.Entries} entries", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return row;
    }

    /// <summary>The login's row, or null for an unknown name.</summary>
    public async Task<LoginRow?> FindLoginAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<LoginRow>(new CommandDefinition(
            "SELECT id, name, password_hash, whitelist_version FROM users WHERE name = @name", new { name }, cancellationToken: cancellationToken));
    }

    internal static ApiException NoUser(string name) => ApiException.NotFound("no-user", $"no user {name} (mailfilterctl users list shows them)");

    private static Task<UserRow?> GetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string name, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(UserSelect + " WHERE u.name = @name", new { name }, transaction, cancellationToken: cancellationToken));
}
