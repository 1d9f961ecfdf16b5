using MailFilter.Lab;

namespace MailFilter.AuthServer.Tests.Support;

/// <summary>One private PostgreSQL cluster per test class (started once: initdb and start take a few seconds); each test makes its own database in it.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private int _databases;

    public PostgresInstance Postgres { get; private set; } = null!;

    public async Task InitializeAsync() => Postgres = await PostgresInstance.StartAsync();

    public async Task DisposeAsync() => await Postgres.DisposeAsync();

    /// <summary>A new empty database with a unique name.</summary>
    public async Task<string> NewDatabaseAsync()
    {
        var name = "mf" + Interlocked.Increment(ref _databases);
        await Postgres.CreateDatabaseAsync(name);
        return name;
    }
}
