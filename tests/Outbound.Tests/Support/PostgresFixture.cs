using MailFilter.Lab;

namespace MailFilter.Outbound.Tests.Support;

/// <summary>One private PostgreSQL cluster for the collection (initdb and start take seconds); each lab makes
/// its own database in it.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private int _databases;

    public PostgresInstance Postgres { get; private set; } = null!;

    public async Task InitializeAsync() => Postgres = await PostgresInstance.StartAsync();

    public async Task DisposeAsync() => await Postgres.DisposeAsync();

    public async Task<string> NewDatabaseAsync()
    {
        var name = "outbound" + Interlocked.Increment(ref _databases);
        await Postgres.CreateDatabaseAsync(name);
        return name;
    }
}

[CollectionDefinition(Name)]
public sealed class OutboundCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "outbound";
}
