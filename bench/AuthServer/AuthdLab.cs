using System.Globalization;
using MailFilter.AuthClient;
using MailFilter.Lab;

namespace MailFilter.Bench.AuthServer;

/// <summary>A private PostgreSQL and the Release mailfilter-authd on it, in a temporary directory; stopped by PID on dispose.</summary>
internal sealed class AuthdLab : IAsyncDisposable
{
    private readonly PostgresInstance _postgres;
    private readonly DaemonProcess _daemon;

    private AuthdLab(string directory, PostgresInstance postgres, DaemonProcess daemon, string socket)
    {
        Directory = directory;
        _postgres = postgres;
        _daemon = daemon;
        SocketPath = socket;
    }

    public string Directory { get; }

    public string SocketPath { get; }

    public int Pid => _daemon.Pid;

    public static async Task<AuthdLab> StartAsync()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("mailfilter-bench-authd-").FullName;
        var postgres = await PostgresInstance.StartAsync();
        try
        {
            await postgres.CreateDatabaseAsync("mailfilter");
            var socket = Path.Combine(directory, "authd.sock");
            var config = Path.Combine(directory, "mailfilter.conf");
            await File.WriteAllTextAsync(config, $"""
                [authd]
                socket = {socket}
                master_key = {Path.Combine(directory, "master.key")}
                local_domains = example.test
                public_listen = none
                [database]
                host = {postgres.Host}
                port = {postgres.Port.ToString(CultureInfo.InvariantCulture)}
                user = {postgres.User}
                [log]
                level = warning

                """);
            var authd = Repo.BuildOutput("src/AuthServer", "mailfilter-authd");
            (await ProcessRunner.RunAsync(authd, "--config", config, "--create-master-key")).EnsureSuccess("create master key");
            var daemon = await DaemonProcess.StartAuthdAsync("unix:" + socket, Path.Combine(directory, "authd.log"), "--config", config);
            return new AuthdLab(directory, postgres, daemon, socket);
        }
        catch
        {
            await postgres.DisposeAsync();
            throw;
        }
    }

    public AuthdClient NewClient() => new(new AuthdClientOptions { SocketPath = SocketPath, RequestTimeout = TimeSpan.FromSeconds(30) });

    public async ValueTask DisposeAsync()
    {
        await _daemon.DisposeAsync();
        await _postgres.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
