using Dapper;
using MailFilter.AuthServer.Configuration;
using Npgsql;

namespace MailFilter.AuthServer.Data;

/// <summary>The PostgreSQL connection pool (Npgsql data source). Dapper maps snake_case columns to properties.</summary>
public sealed class Database : IAsyncDisposable
{
    static Database()
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    public Database(DatabaseSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        DataSource = NpgsqlDataSource.Create(settings.BuildConnectionString());
    }

    public DatabaseSettings Settings { get; }

    public NpgsqlDataSource DataSource { get; }

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => DataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>Stored timestamps have microsecond precision: round the application clock the same way so values compare equal after a round trip.</summary>
    public static DateTime Now()
    {
        var now = DateTime.UtcNow;
        return new DateTime(now.Ticks - (now.Ticks % 10), DateTimeKind.Utc);
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
