using Dapper;

namespace MailFilter.AuthServer.Data;

/// <summary>The master_key_check row: the first start stores the check value, every later start compares.</summary>
public static class MasterKeyCheck
{
    /// <summary>True if <paramref name="checkValue"/> is the stored one (storing it if the table is empty).</summary>
    public static async Task<bool> VerifyOrStoreAsync(Database database, byte[] checkValue, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO master_key_check (id, check_value) VALUES (1, @checkValue) ON CONFLICT (id) DO NOTHING", new { checkValue }, cancellationToken: cancellationToken));
        var stored = await connection.ExecuteScalarAsync<byte[]>(new CommandDefinition(
            "SELECT check_value FROM master_key_check WHERE id = 1", cancellationToken: cancellationToken));
        return stored is not null && stored.AsSpan().SequenceEqual(checkValue);
    }
}
