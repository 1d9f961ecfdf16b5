using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace MailFilter.AuthServer.Data;

/// <summary>
/// Applies the embedded migrations in version order, each in its own transaction, under a PostgreSQL
/// advisory lock so that several authd instances (or `mailfilterctl db migrate` beside a running authd)
/// never apply one twice. schema_migrations records each version with the SHA-256 of its text. Versions grow but
/// may leave gaps (migrations written on parallel branches take their numbers in advance): every migration the
/// database lacks is applied, in version order, including one numbered below the newest applied.
/// </summary>
public sealed class MigrationRunner(Database database)
{
    // An arbitrary constant that names "mailfilter schema migration" among the advisory locks of the database.
    private const long AdvisoryLockKey = 0x4D46_4D49_4752_0001;

    private readonly Database _database = database;

    /// <summary>Every migration this build carries, by version.</summary>
    public static IReadOnlyList<Migration> All { get; } = LoadEmbedded();

    public static int LatestVersion => All.Count == 0 ? 0 : All[^1].Version;

    /// <summary>The migrations of this build the database has not applied (all of them for an empty database).</summary>
    public async Task<IReadOnlyList<Migration>> PendingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        var applied = await AppliedVersionsAsync(connection);
        return [.. All.Where(m => !applied.Contains(m.Version))];
    }

    /// <summary>The schema version the database is at: its newest applied migration (0 for an empty database).</summary>
    public async Task<int> CurrentVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await CurrentVersionAsync(connection);
    }

    public async Task<MigrationResult> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("SELECT pg_advisory_lock(@key)", new { key = AdvisoryLockKey });
        try
        {
            await connection.ExecuteAsync("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version     integer PRIMARY KEY,
                    name        text NOT NULL,
                    checksum    bytea NOT NULL,
                    applied_at  timestamptz NOT NULL DEFAULT now()
                )
                """);
            var applied = (await connection.QueryAsync<(int Version, string Name, byte[] Checksum)>(
                "SELECT version, name, checksum FROM schema_migrations ORDER BY version")).ToList();
            int before = applied.Count == 0 ? 0 : applied[^1].Version;
            if (before > LatestVersion)
            {
                throw new MigrationException(
                    $"the database schema is at version {before}, newer than this mailfilter-authd knows ({LatestVersion}): upgrade mailfilter-authd");
            }

            foreach (var row in applied)
            {
                var known = All.FirstOrDefault(m => m.Version == row.Version);
                if (known is null || !known.Checksum.AsSpan().SequenceEqual(row.Checksum))
                {
                    throw new MigrationException(
                        $"migration {row.Version.ToString("D4", CultureInfo.InvariantCulture)}_{row.Name} in the database differs from this build's; refusing to continue");
                }
            }

            var done = new List<Migration>();
            var appliedVersions = applied.Select(r => r.Version).ToHashSet();
            foreach (var migration in All.Where(m => !appliedVersions.Contains(m.Version)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (@Version, @Name, @Checksum)",
                    new { migration.Version, migration.Name, migration.Checksum }, transaction);
                await transaction.CommitAsync(cancellationToken);
                done.Add(migration);
            }

            return new MigrationResult(before, Math.Max(before, done.Count > 0 ? done[^1].Version : 0), done);
        }
        finally
        {
            await connection.ExecuteAsync("SELECT pg_advisory_unlock(@key)", new { key = AdvisoryLockKey });
        }
    }

    private static async Task<int> CurrentVersionAsync(NpgsqlConnection connection)
    {
        bool exists = await connection.ExecuteScalarAsync<bool>("SELECT to_regclass('schema_migrations') IS NOT NULL");
        return exists ? await connection.ExecuteScalarAsync<int?>("SELECT max(version) FROM schema_migrations") ?? 0 : 0;
    }

    private static async Task<HashSet<int>> AppliedVersionsAsync(NpgsqlConnection connection)
    {
        bool exists = await connection.ExecuteScalarAsync<bool>("SELECT to_regclass('schema_migrations') IS NOT NULL");
        return exists ? (await connection.QueryAsync<int>("SELECT version FROM schema_migrations")).ToHashSet() : [];
    }

    private static List<Migration> LoadEmbedded()
    {
        var assembly = typeof(MigrationRunner).Assembly;
        var list = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("migrations/", StringComparison.Ordinal)))
        {
            // migrations/0001_keys.sql
            var file = resource["migrations/".Length..^".sql".Length];
            int underscore = file.IndexOf('_', StringComparison.Ordinal);
            int version = int.Parse(file[..underscore], NumberStyles.None, CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var sql = reader.ReadToEnd();
            list.Add(new Migration(version, file[(underscore + 1)..], sql, SHA256.HashData(Encoding.UTF8.GetBytes(sql))));
        }

        list.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i].Version < 1 || (i > 0 && list[i].Version == list[i - 1].Version))
            {
                throw new InvalidOperationException($"migrations must be numbered from 1, each number once ({list[i].Version} at position {i + 1})");
            }
        }

        return list;
    }
}
