using Npgsql;

namespace MailFilter.AuthServer.Configuration;

/// <summary>[database]: where PostgreSQL is and how authd talks to it (docs/configuration.md).</summary>
public sealed record DatabaseSettings
{
    /// <summary>A host name or address, or a directory holding PostgreSQL's unix socket (peer authentication, the Debian default).</summary>
    public string Host { get; init; } = "/var/run/postgresql";

    public int Port { get; init; } = 5432;

    public string Name { get; init; } = "mailfilter";

    public string User { get; init; } = "mailfilter";

    /// <summary>A file holding the password (first line), or null for password-less authentication.</summary>
    public string? PasswordFile { get; init; }

    public int PoolSize { get; init; } = 50;

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Apply pending migrations when authd starts (default yes).</summary>
    public bool MigrateOnStart { get; init; } = true;

    /// <summary>The Npgsql connection string; reads the password file.</summary>
    public string BuildConnectionString()
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Database = Name,
            Username = User,
            MaxPoolSize = PoolSize,
            Timeout = Math.Max(1, (int)ConnectTimeout.TotalSeconds),
            CommandTimeout = Math.Max(1, (int)CommandTimeout.TotalSeconds),
            ApplicationName = "mailfilter-authd",
            // Statements run again and again (key, registry, whitelist lookups) are prepared on each pooled connection
            // after their second use: PostgreSQL then skips parsing and planning them.
            MaxAutoPrepare = 64,
            AutoPrepareMinUsages = 2,
            // authd leaves no session state on a connection (no SET, LISTEN, temporary tables or cursors; advisory locks
            // are transaction-scoped, the migration's session lock is released in a finally), so returning a
            // connection to the pool need not reset it: Npgsql's reset is seven statements (RESET ALL, DISCARD ...) run
            // with the next command, once per API request that touched the database.
            NoResetOnClose = true,
        };
        if (PasswordFile is not null)
        {
            builder.Password = File.ReadLines(PasswordFile).FirstOrDefault()?.TrimEnd('\r') ?? string.Empty;
        }

        return builder.ConnectionString;
    }

    /// <summary>For messages: where, without secrets.</summary>
    public override string ToString() => $"{User}@{Host}:{Port}/{Name}";
}
