using System.Data;
using Dapper;
using Npgsql;

namespace MailFilter.AuthServer.Data;

/// <summary>The key_rotations table: this server's signed rotation announcements, served by discovery (docs/authd-api.md §7.2).</summary>
public static class KeyRotations
{
    public static Task InsertAsync(NpgsqlConnection connection, IDbTransaction transaction, long addressId, string keyUse, byte[] oldKid, byte[] newKid,
        byte[] signerKid, DateTime rotatedAt, byte[] signature, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO key_rotations (address_id, key_use, old_kid, new_kid, signer_kid, rotated_at, signature)
            VALUES (@addressId, @keyUse, @oldKid, @newKid, @signerKid, @rotatedAt, @signature)
            """, new { addressId, keyUse, oldKid, newKid, signerKid, rotatedAt, signature }, transaction, cancellationToken: cancellationToken));

    /// <summary>The announcements of one address, oldest first.</summary>
    public static async Task<IReadOnlyList<RotationRow>> ListAsync(Database database, string address, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<RotationRow>(new CommandDefinition("""
            SELECT r.key_use, r.old_kid, r.new_kid, r.signer_kid, r.rotated_at, r.signature
            FROM key_rotations r JOIN addresses a ON a.id = r.address_id
            WHERE a.address = @address ORDER BY r.rotated_at, r.id
            """, new { address }, cancellationToken: cancellationToken))).AsList();
    }
}
