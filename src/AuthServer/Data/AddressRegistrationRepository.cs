using System.Data;
using Dapper;
using Npgsql;

namespace MailFilter.AuthServer.Data;

/// <summary>
/// The registration columns of addresses and the registration_tokens table (docs/registry.md §6). Every change runs
/// in one transaction with the address row locked (<see cref="KeyRepository.LockAddressAsync"/>) and is written to the
/// audit log; tokens are consumed by the statement that checks them, so a token is used at most once.
/// </summary>
public sealed class AddressRegistrationRepository(Database database)
{
    private const string Columns = """
        id, address, registration_state, display_company, display_name, requested_at, confirmed_at, unbound_at,
        last_reminder_at, last_mail_at, code_hash, code_expires_at, code_failures
        """;

    private readonly Database _database = database;

    public async Task<AddressRow?> GetAsync(string address, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AddressRow>(new CommandDefinition(
            $"SELECT {Columns} FROM addresses WHERE address = @address", new { address }, cancellationToken: cancellationToken));
    }

    /// <summary>Addresses that ever had a registration (state other than none), by address.</summary>
    public async Task<IReadOnlyList<AddressRow>> ListAsync(string? domain, string? state, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<AddressRow>(new CommandDefinition($"""
            SELECT {Columns} FROM addresses
            WHERE registration_state <> 'none' AND (@domain::text IS NULL OR domain = @domain) AND (@state::text IS NULL OR registration_state = @state)
            ORDER BY address
            """, new { domain, state }, cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>Runs <paramref name="body"/> in a transaction with the address row (created if new) locked; commits if it returns.</summary>
    public async Task<T> WithLockedAddressAsync<T>(string address, string domain, Func<NpgsqlConnection, NpgsqlTransaction, AddressRow, Task<T>> body, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long id = await KeyRepository.LockAddressAsync(connection, transaction, address, domain, cancellationToken);
        var row = await connection.QuerySingleAsync<AddressRow>(new CommandDefinition(
            $"SELECT {Columns} FROM addresses WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken));
        var result = await body(connection, transaction, row);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    public static Task UpdateAsync(NpgsqlConnection connection, IDbTransaction transaction, AddressRow row, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("""
            UPDATE addresses SET registration_state = @RegistrationState, display_company = @DisplayCompany, display_name = @DisplayName,
                requested_at = @RequestedAt, confirmed_at = @ConfirmedAt, unbound_at = @UnboundAt, last_reminder_at = @LastReminderAt,
                last_mail_at = @LastMailAt, code_hash = @CodeHash, code_expires_at = @CodeExpiresAt, code_failures = @CodeFailures
            WHERE id = @Id
            """, row, transaction, cancellationToken: cancellationToken));

    public static Task InsertTokenAsync(NpgsqlConnection connection, IDbTransaction transaction, long addressId, string purpose, byte[] tokenHash, DateTime expiresAt,
        CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO registration_tokens (address_id, purpose, token_hash, expires_at) VALUES (@addressId, @purpose, @tokenHash, @expiresAt)",
            new { addressId, purpose, tokenHash, expiresAt }, transaction, cancellationToken: cancellationToken));

    /// <summary>Voids every unused token of an address (a new registration, an unbinding).</summary>
    public static Task VoidTokensAsync(NpgsqlConnection connection, IDbTransaction transaction, long addressId, DateTime now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "UPDATE registration_tokens SET used_at = @now WHERE address_id = @addressId AND used_at IS NULL",
            new { addressId, now }, transaction, cancellationToken: cancellationToken));

    /// <summary>The address of a valid (unused, unexpired) token of <paramref name="purpose"/>, without using it (pages that show before they act).</summary>
    public async Task<AddressRow?> PeekTokenAsync(byte[] tokenHash, string purpose, DateTime now, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AddressRow>(new CommandDefinition($"""
            SELECT {Columns} FROM addresses WHERE id = (
                SELECT address_id FROM registration_tokens
                WHERE token_hash = @tokenHash AND purpose = @purpose AND used_at IS NULL AND expires_at > @now)
            """, new { tokenHash, purpose, now }, cancellationToken: cancellationToken));
    }

    /// <summary>Uses a valid token inside a transaction: marks it used and answers its address id, or null when it is unknown, used or expired.</summary>
    public static Task<long?> UseTokenAsync(NpgsqlConnection connection, IDbTransaction transaction, byte[] tokenHash, string purpose, DateTime now, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<long?>(new CommandDefinition("""
            UPDATE registration_tokens SET used_at = @now
            WHERE token_hash = @tokenHash AND purpose = @purpose AND used_at IS NULL AND expires_at > @now
            RETURNING address_id
            """, new { tokenHash, purpose, now }, transaction, cancellationToken: cancellationToken));

    /// <summary>Confirmed addresses whose last reminder (or confirmation) is older than <paramref name="due"/>.</summary>
    public async Task<IReadOnlyList<string>> DueRemindersAsync(DateTime due, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<string>(new CommandDefinition("""
            SELECT address FROM addresses
            WHERE registration_state = 'confirmed' AND coalesce(last_reminder_at, confirmed_at) <= @due
            ORDER BY coalesce(last_reminder_at, confirmed_at) LIMIT @limit
            """, new { due, limit }, cancellationToken: cancellationToken))).AsList();
    }

    public async Task<string?> AddressOfAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition("SELECT address FROM addresses WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }
}
