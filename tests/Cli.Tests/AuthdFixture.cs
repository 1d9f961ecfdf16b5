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
    private readonly List<DaemonProcess> _daemons = [];
    private int _databases;

    public PostgresInstance Postgres { get; private set; } = null!;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("mailfilterctl-authd-").FullName;

    /// <summary>The socket of the first authd.</summary>
    public string Socket { get; private set; } = string.Empty;

    public string AuthdBinary => Repo.BuildOutput("src/AuthServer", "mailfilter-authd");

    public async Task InitializeAsync()
    {
        File.SetUnixFileMode(Directory, (UnixFileMode)Convert.ToInt32("755", 8));
        Postgres = await PostgresInstance.StartAsync();
        Socket = await StartAuthdAsync();
    }

    /// <summary>Writes a config for a new database (and a new master key); returns its path. <paramref name="extraSections"/> (e.g. [discovery]) go after [database].</summary>
    public async Task<string> NewConfigAsync(string? database = null, string localDomains = "example.test", string publicListen = "none", string extraSections = "")
    {
        int n = Interlocked.Increment(ref _databases);
        database ??= "cli" + n.ToString(CultureInfo.InvariantCulture);
        await Postgres.CreateDatabaseAsync(database);
        var config = Path.Combine(Directory, $"mailfilter{n}.conf");
        await File.WriteAllTextAsync(config, $"""
            [authd]
            socket = {Path.Combine(Directory, $"authd{n}.sock")}
            socket_mode = 0666
            master_key = {Path.Combine(Directory, $"master{n}.key")}
            local_domains = {localDomains}
            public_listen = {publicListen}

            [database]
            host = {Postgres.Host}
            port = {Postgres.Port.ToString(CultureInfo.InvariantCulture)}
            name = {database}
            user = {Postgres.User}

            {extraSections}
            """);
        (await ProcessRunner.RunAsync(AuthdBinary, "--config", config, "--create-master-key")).EnsureSuccess("create master key");
        return config;
    }

    /// <summary>Starts another authd on a new database; returns its socket.</summary>
    public async Task<string> StartAuthdAsync(string localDomains = "example.test", string publicListen = "none", string extraSections = "")
    {
        var config = await NewConfigAsync(null, localDomains, publicListen, extraSections);
        var daemon = await DaemonProcess.StartAuthdAsync("unix:" + SocketOf(config), config + ".log", "--config", config);
        _daemons.Add(daemon);
        return SocketOf(config);
    }

    /// <summary>The authd log of the daemon behind <paramref name="socket"/>.</summary>
    public string LogOf(string socket) => _daemons.Select(d => d.Log).FirstOrDefault(l => l.Contains(socket, StringComparison.Ordinal)) ?? string.Empty;

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
        foreach (var d in _daemons)
        {
            await d.DisposeAsync();
        }

        await Postgres.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static string SocketOf(string config)
    {
        var line = File.ReadLines(config).First(l => l.StartsWith("socket =", StringComparison.Ordinal));
        return line["socket =".Length..].Trim();
    }
}
