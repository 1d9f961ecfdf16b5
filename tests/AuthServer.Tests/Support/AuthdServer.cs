using System.Globalization;
using MailFilter.AuthClient;
using MailFilter.AuthServer.Keys;
using MailFilter.Lab;

namespace MailFilter.AuthServer.Tests.Support;

/// <summary>
/// mailfilter-authd run as a real process from the build output against a test database: a temporary
/// directory (mode 0755, so a helper running as nobody reaches the socket) with the config, the master key
/// and the API socket; the public listener on a free loopback port.
/// </summary>
public sealed class AuthdServer : IAsyncDisposable
{
    private readonly PostgresInstance _postgres;
    private readonly string _database;
    private readonly string _localDomains;
    private DaemonProcess? _daemon;

    /// <param name="sameMasterKeyAs">Another server whose master key this one uses (two authd instances on one database).</param>
    /// <param name="localDomains">[authd] local_domains.</param>
    public AuthdServer(PostgresInstance postgres, string database, string extraAuthd = "", AuthdServer? sameMasterKeyAs = null, string localDomains = "example.test, example.org")
    {
        _postgres = postgres;
        _database = database;
        _localDomains = localDomains;
        Directory = System.IO.Directory.CreateTempSubdirectory("mailfilter-authd-").FullName;
        File.SetUnixFileMode(Directory, (UnixFileMode)Convert.ToInt32("755", 8));
        PublicPort = FreePort.Next();
        if (sameMasterKeyAs is null)
        {
            MasterKey.Create(MasterKeyPath);
        }
        else
        {
            File.Copy(sameMasterKeyAs.MasterKeyPath, MasterKeyPath);
        }

        WriteConfig(extraAuthd);
        Client = new AuthdClient(new AuthdClientOptions { SocketPath = SocketPath, RequestTimeout = TimeSpan.FromSeconds(30) });
    }

    public string Directory { get; }

    public string DatabaseName => _database;

    public string SocketPath => Path.Combine(Directory, "authd.sock");

    public string ConfigPath => Path.Combine(Directory, "mailfilter.conf");

    public string MasterKeyPath => Path.Combine(Directory, "master.key");

    public string LogPath => Path.Combine(Directory, "authd.log");

    public int PublicPort { get; }

    public AuthdClient Client { get; }

    public DaemonProcess Daemon => _daemon ?? throw new InvalidOperationException("not started");

    public string Log => File.Exists(LogPath) ? PostfixInstance.ReadShared(LogPath) : string.Empty;

    /// <summary>Waits (up to 5 s) until the daemon's log contains <paramref name="text"/>: the console logger writes on its own thread.</summary>
    public async Task<string> WaitForLogAsync(string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!Log.Contains(text, StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return Log;
    }

    /// <summary>Writes the config; <paramref name="extraSections"/> (e.g. a [discovery] section) goes after [database].</summary>
    public void WriteConfig(string extraAuthd = "", string extraSections = "")
    {
        File.WriteAllText(ConfigPath, $"""
            # written by the AuthServer tests
            [authd]
            socket = {SocketPath}
            master_key = {MasterKeyPath}
            local_domains = {_localDomains}
            public_listen = 127.0.0.1:{PublicPort.ToString(CultureInfo.InvariantCulture)}
            {extraAuthd}

            [database]
            host = {_postgres.Host}
            port = {_postgres.Port.ToString(CultureInfo.InvariantCulture)}
            name = {_database}
            user = {_postgres.User}
            pool_size = 20

            {extraSections}

            [milter]
            listen = inet:127.0.0.1:8891

            [log]
            level = debug

            """);
    }

    /// <summary>Starts the daemon. If it does not come up, this server is disposed (the caller's `await using` never got it) and the error rethrown.</summary>
    public async Task<AuthdServer> StartAsync()
    {
        try
        {
            _daemon = await DaemonProcess.StartAuthdAsync("unix:" + SocketPath, LogPath, "--config", ConfigPath);
            return this;
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task<int> StopAsync()
    {
        int code = await Daemon.StopAsync();
        _daemon = null;
        return code;
    }

    /// <summary>Runs mailfilter-authd to completion (for start-up refusals and --migrate).</summary>
    public Task<ProcessRunner.Result> RunAsync(params string[] args) =>
        ProcessRunner.RunAsync(Repo.BuildOutput("src/AuthServer", "mailfilter-authd"), ["--config", ConfigPath, .. args], timeout: TimeSpan.FromSeconds(60));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
