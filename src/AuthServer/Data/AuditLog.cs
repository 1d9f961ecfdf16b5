using System.Data;
using Dapper;
using Npgsql;

namespace MailFilter.AuthServer.Data;

/// <summary>The audit_log table: one row per change to a key and per secret export, backup and restore. Never holds key material.</summary>
public static class AuditLog
{
    public static Task WriteAsync(NpgsqlConnection connection, IDbTransaction? transaction, string actor, string action, string? address, byte[]? kid, string? detail,
        CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO audit_log (actor, action, address, kid, detail) VALUES (@actor, @action, @address, @kid, @detail)",
            new { actor, action, address, kid, detail }, transaction, cancellationToken: cancellationToken));
}
