using Dapper;
using Npgsql;

namespace MailFilter.AuthServer.Data;

/// <summary>The registrations table: insert one copy's row (only for a confirmed sender), look one up by number, delete expired rows.</summary>
public sealed class RegistryRepository(Database database)
{
    private readonly Database _database = database;

    /// <summary>
    /// Inserts <paramref name="row"/> if its sender is a confirmed address, in one statement. Returns true when
    /// inserted, false when the sender is not confirmed; throws <see cref="PostgresException"/> 23505 on a number
    /// collision (the caller draws another).
    /// </summary>
    public async Task<bool> InsertIfConfirmedAsync(RegistrationRow row, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        long? id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("""
            INSERT INTO registrations (confirmation_no, sender, recipients, message_date, signature, message_id, registered_at, expires_at)
            SELECT @ConfirmationNo, @Sender, @Recipients, @MessageDate, @Signature, @MessageId, @RegisteredAt, @ExpiresAt
            WHERE EXISTS (SELECT 1 FROM addresses WHERE address = @Sender AND registration_state = 'confirmed')
            RETURNING id
            """, row, cancellationToken: cancellationToken));
        return id is not null;
    }

    /// <summary>The unexpired row with this number, with the sender's display information.</summary>
    public async Task<RegistrationRow?> FindAsync(string confirmationNo, DateTime now, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<RegistrationRow>(new CommandDefinition("""
            SELECT r.confirmation_no, r.sender, r.recipients, r.message_date, r.signature, r.message_id, r.registered_at, r.expires_at,
                   a.display_company, a.display_name
            FROM registrations r LEFT JOIN addresses a ON a.address = r.sender
            WHERE r.confirmation_no = @confirmationNo AND r.expires_at > @now
            """, new { confirmationNo, now }, cancellationToken: cancellationToken));
    }

    /// <summary>Deletes up to <paramref name="batch"/> expired rows; returns how many.</summary>
    public async Task<int> DeleteExpiredAsync(DateTime now, int batch, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("""
            DELETE FROM registrations WHERE id IN (SELECT id FROM registrations WHERE expires_at <= @now ORDER BY expires_at LIMIT @batch)
            """, new { now, batch }, cancellationToken: cancellationToken));
    }

    public static bool IsUniqueViolation(PostgresException e) => e.SqlState == PostgresErrorCodes.UniqueViolation;
}
