using System.Globalization;
using MailFilter.AuthClient;

namespace MailFilter.Lab;

/// <summary>
/// One mailfilter-authd run as a real process from the build output, on a database of a <see cref="PostgresInstance"/>,
/// for tests and benchmarks: its configuration (<see cref="ConfigPath"/>), master key, API socket and log in one directory
/// (mode 0755, so a helper running as nobody reaches the socket), the public listener (if any) on a free loopback port.
/// <see cref="CreateAsync"/> writes the configuration and creates the master key (<c>--create-master-key</c>, as a sysadmin
/// does) without starting; <see cref="StartAsync()"/> (re)writes the configuration from <see cref="Options"/> and starts
/// the daemon; <see cref="DisposeAsync"/> stops it by PID and deletes the directory it made.
/// </summary>
public sealed class AuthdInstance : IAsyncDisposable
{
    private readonly bool _ownsDirectory;
    private readonly int? _publicPort;
    private DaemonProcess? _daemon;

    private AuthdInstance(AuthdOptions options)
    {
        Options = options;
        _ownsDirectory = options.Directory is null;
        Directory = options.Directory ?? System.IO.Directory.CreateTempSubdirectory("mailfilter-authd-").FullName;
        if (_ownsDirectory)
        {
            File.SetUnixFileMode(Directory, (UnixFileMode)Convert.ToInt32("755", 8));
        }

        _publicPort = options.PublicListener ? options.PublicPort ?? FreePort.Next() : null;
        Client = new AuthdClient(new AuthdClientOptions { SocketPath = Socket, RequestTimeout = options.RequestTimeout });
    }

    /// <summary>What the configuration is written from; the text settings may change before a <see cref="RestartAsync"/>.</summary>
    public AuthdOptions Options { get; }

    public string Directory { get; }

    public string Database => Options.Database;

    public string Socket => Path.Combine(Directory, "authd.sock");

    public string ConfigPath => Path.Combine(Directory, "authd.conf");

    public string MasterKeyPath => Path.Combine(Directory, "master.key");

    /// <summary>The daemon's output (its console log), appended to across restarts.</summary>
    public string LogPath => Path.Combine(Directory, "authd.log");

    /// <summary>The public listener's port (<see cref="AuthdOptions.PublicListener"/>).</summary>
    public int PublicPort => _publicPort ?? throw new InvalidOperationException("this authd has no public listener (public_listen = none)");

    /// <summary>Where the public listener is reached: http://127.0.0.1:PORT.</summary>
    public string PublicUrl => "http://127.0.0.1:" + PublicPort.ToString(CultureInfo.InvariantCulture);

    /// <summary>A client of the API socket (as the caller: root in the lab, so admin calls work).</summary>
    public AuthdClient Client { get; }

    public bool IsRunning => _daemon is not null;

    public DaemonProcess Process => _daemon ?? throw new InvalidOperationException("mailfilter-authd is not running");

    public string Log => File.Exists(LogPath) ? PostfixInstance.ReadShared(LogPath) : string.Empty;

    /// <summary>The program the tests start: the published one that ships (trimmed, self-contained) when
    /// scripts/test.sh made it and named it in MAILFILTER_AUTHD_PROGRAM, else the one in the build output.</summary>
    public static string Binary => Environment.GetEnvironmentVariable("MAILFILTER_AUTHD_PROGRAM") is { Length: > 0 } published
        ? File.Exists(published) ? published : throw new FileNotFoundException($"MAILFILTER_AUTHD_PROGRAM names {published}, which is missing: run packaging/publish.sh", published)
        : Repo.BuildOutput("src/AuthServer", "mailfilter-authd");

    /// <summary>Writes the configuration and puts the master key in place (a new one, or a copy of
    /// <see cref="AuthdOptions.MasterKeyFrom"/>); does not start the daemon.</summary>
    public static async Task<AuthdInstance> CreateAsync(AuthdOptions options)
    {
        var instance = new AuthdInstance(options);
        try
        {
            instance.WriteConfig();
            if (options.MasterKeyFrom is not null)
            {
                File.Copy(options.MasterKeyFrom, instance.MasterKeyPath);
            }
            else
            {
                (await instance.RunAsync("--create-master-key")).EnsureSuccess("mailfilter-authd --create-master-key");
            }

            return instance;
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
    }

    /// <summary><see cref="CreateAsync"/> and <see cref="StartAsync()"/>; if it does not come up, the instance is disposed and the error rethrown.</summary>
    public static async Task<AuthdInstance> StartAsync(AuthdOptions options)
    {
        var instance = await CreateAsync(options);
        try
        {
            await instance.StartAsync();
            return instance;
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
    }

    /// <summary>Writes the configuration from <see cref="Options"/> and starts the daemon; returns when it said READY=1 and its socket accepts.</summary>
    public async Task StartAsync()
    {
        if (_daemon is not null)
        {
            throw new InvalidOperationException("mailfilter-authd is already running");
        }

        WriteConfig();
        _daemon = await DaemonProcess.StartAuthdAsync("unix:" + Socket, LogPath, "--config", ConfigPath);
    }

    /// <summary>SIGTERM by PID and a graceful exit; returns the exit code (0 if it was not running).</summary>
    public async Task<int> StopAsync()
    {
        if (_daemon is null)
        {
            return 0;
        }

        var daemon = _daemon;
        _daemon = null;
        int code = await daemon.StopAsync();
        await daemon.DisposeAsync();
        return code;
    }

    /// <summary>Stops the daemon, rewrites the configuration from <see cref="Options"/> and starts it again.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    /// <summary>Runs mailfilter-authd with this configuration to completion (--migrate, --create-master-key, start-up refusals).</summary>
    public Task<ProcessRunner.Result> RunAsync(params string[] args) =>
        ProcessRunner.RunAsync(Binary, ["--config", ConfigPath, .. args], timeout: TimeSpan.FromSeconds(60));

    /// <summary>Waits (up to 5 s) until the log contains <paramref name="text"/> (the console logger writes on its own thread); returns the log.</summary>
    public async Task<string> WaitForLogAsync(string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!Log.Contains(text, StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return Log;
    }

    /// <summary>Writes the configuration file from <see cref="Options"/> (<see cref="StartAsync()"/> does it too).</summary>
    public void WriteConfig()
    {
        string publicListen = _publicPort is int port ? "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture) : "none";
        var postgres = Options.Postgres;
        File.WriteAllText(ConfigPath, $"""
            # written by the MailFilter lab (AuthdInstance)
            [authd]
            socket = {Socket}
            master_key = {MasterKeyPath}
            local_domains = {Options.LocalDomains}
            public_listen = {publicListen}
            {Options.AuthdSettings}

            [database]
            host = {postgres.Host}
            port = {postgres.Port.ToString(CultureInfo.InvariantCulture)}
            name = {Options.Database}
            user = {postgres.User}
            {Options.DatabaseSettings}

            {Options.Sections}

            """);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Client.Dispose();
        // MAILFILTER_LAB_KEEP=1 keeps the configuration and log for a look after a failure.
        if (!_ownsDirectory || Environment.GetEnvironmentVariable("MAILFILTER_LAB_KEEP") == "1")
        {
            return;
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

/// <summary>How an <see cref="AuthdInstance"/> is configured. The text settings are read at every start.</summary>
public sealed class AuthdOptions
{
    /// <summary>The cluster of <see cref="Database"/> (which must exist: <see cref="PostgresInstance.CreateDatabaseAsync"/>).</summary>
    public required PostgresInstance Postgres { get; init; }

    /// <summary>[database] name.</summary>
    public string Database { get; init; } = "mailfilter";

    /// <summary>[authd] local_domains.</summary>
    public string LocalDomains { get; init; } = "example.test";

    /// <summary>A public listener on a free loopback port (<see cref="AuthdInstance.PublicPort"/>), or public_listen = none.</summary>
    public bool PublicListener { get; init; } = true;

    /// <summary>The public listener's port when the caller chose it beforehand (another server's configuration names it); by default a free one.</summary>
    public int? PublicPort { get; init; }

    /// <summary>A master key file to copy (two servers on one database) instead of creating a new key.</summary>
    public string? MasterKeyFrom { get; init; }

    /// <summary>An existing directory for the files (the caller's lab directory, not deleted on dispose); by default a new temporary one.</summary>
    public string? Directory { get; init; }

    /// <summary>The request timeout of <see cref="AuthdInstance.Client"/>.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>More lines of [authd] (e.g. "socket_mode = 0666").</summary>
    public string AuthdSettings { get; set; } = string.Empty;

    /// <summary>More lines of [database] (e.g. "pool_size = 20").</summary>
    public string DatabaseSettings { get; set; } = string.Empty;

    /// <summary>More sections after [database] (e.g. "[discovery]\nexample.net = http://…", "[log]\nlevel = debug").</summary>
    public string Sections { get; set; } = string.Empty;
}
