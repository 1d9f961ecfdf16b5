using System.Globalization;
using MailFilter.Cli;
using MailFilter.Lab;

namespace MailFilter.Cli.Tests;

/// <summary>
/// A private PostgreSQL and a real mailfilter-authd (from its build output) for the keys, status and db
/// commands, shared by a test class. <see cref="StartAuthdAsync"/> starts more authd instances on new
/// databases of the same cluster (restore into an empty server).
/// </summary>
public sealed class AuthdFixture : IAsyncLifetime
{
    private readonly List<AuthdInstance> _instances = [];
    private int _databases;

    public PostgresInstance Postgres { get; private set; } = null!;

    /// <summary>The first authd.</summary>
    public AuthdInstance First { get; private set; } = null!;

    /// <summary>The first authd's directory, where tests put their files.</summary>
    public string Directory => First.Directory;

    /// <summary>The socket of the first authd.</summary>
    public string Socket => First.Socket;

    public string AuthdBinary => AuthdInstance.Binary;

    public async Task InitializeAsync()
    {
        Postgres = await PostgresInstance.StartAsync();
        First = await StartAuthdAsync();
    }

    /// <summary>A new authd (not started) on a new database, with its own master key. <paramref name="extraSections"/> (e.g. [discovery]) go after [database].</summary>
    public async Task<AuthdInstance> NewAuthdAsync(string? database = null, string localDomains = "example.test", bool publicListener = false, string extraSections = "")
    {
        database ??= "cli" + Interlocked.Increment(ref _databases).ToString(CultureInfo.InvariantCulture);
        await Postgres.CreateDatabaseAsync(database);
        var instance = await AuthdInstance.CreateAsync(new AuthdOptions
        {
            Postgres = Postgres,
            Database = database,
            LocalDomains = localDomains,
            PublicListener = publicListener,
            AuthdSettings = "socket_mode = 0666",
            Sections = extraSections,
        });
        lock (_instances)
        {
            _instances.Add(instance);
        }

        return instance;
    }

    /// <summary>Writes a config for a new database (and a new master key); returns its path.</summary>
    public async Task<string> NewConfigAsync(string? database = null) => (await NewAuthdAsync(database)).ConfigPath;

    /// <summary>Starts another authd on a new database.</summary>
    public async Task<AuthdInstance> StartAuthdAsync(string localDomains = "example.test", bool publicListener = false, string extraSections = "")
    {
        var instance = await NewAuthdAsync(null, localDomains, publicListener, extraSections);
        await instance.StartAsync();
        return instance;
    }

    /// <summary>Runs mailfilterctl in-process against <paramref name="socket"/> (default: the first authd).</summary>
    public async Task<(int Code, string Out, string Err)> RunAsync(string[] args, string? socket = null)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await CommandLine.RunAsync([.. args, "--socket", socket ?? Socket], output, error);
        return (code, output.ToString(), error.ToString());
    }

    public Task<(int Code, string Out, string Err)> RunAsync(params string[] args) => RunAsync(args, null);

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        await Postgres.DisposeAsync();
    }
}
