using System.Globalization;
using MailFilter.Lab;

namespace MailFilter.Bench.Outbound;

/// <summary>A private PostgreSQL, the Release mailfilter-authd on it, and one Release mailfilterd per policy
/// (started on demand) in a temporary directory; everything stopped by PID on dispose.</summary>
internal sealed class OutboundBenchLab : IAsyncDisposable
{
    private readonly PostgresInstance _postgres;
    private readonly DaemonProcess _authd;

    private OutboundBenchLab(string directory, PostgresInstance postgres, DaemonProcess authd)
    {
        Directory = directory;
        _postgres = postgres;
        _authd = authd;
    }

    public string Directory { get; }

    public string AuthdSocket => Path.Combine(Directory, "authd.sock");

    /// <summary>mailfilterd's log of the daemon started as <paramref name="name"/>.</summary>
    public string LogOf(string name) => File.ReadAllText(Path.Combine(Directory, name + ".log"));

    public static async Task<OutboundBenchLab> StartAsync()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("mailfilter-bench-outbound-").FullName;
        var postgres = await PostgresInstance.StartAsync();
        try
        {
            await postgres.CreateDatabaseAsync("mailfilter");
            var config = Path.Combine(directory, "authd.conf");
            await File.WriteAllTextAsync(config, $"""
                [authd]
                socket = {Path.Combine(directory, "authd.sock")}
                master_key = {Path.Combine(directory, "master.key")}
                local_domains = example.test
                public_listen = none
                [attachments]
                path = {Path.Combine(directory, "attachments")}
                [database]
                host = {postgres.Host}
                port = {postgres.Port.ToString(CultureInfo.InvariantCulture)}
                user = {postgres.User}
                [log]
                level = warning

                """);
            var authd = Repo.BuildOutput("src/AuthServer", "mailfilter-authd");
            (await ProcessRunner.RunAsync(authd, "--config", config, "--create-master-key")).EnsureSuccess("create master key");
            var daemon = await DaemonProcess.StartAuthdAsync("unix:" + Path.Combine(directory, "authd.sock"), Path.Combine(directory, "authd.log"), "--config", config);
            return new OutboundBenchLab(directory, postgres, daemon);
        }
        catch
        {
            await postgres.DisposeAsync();
            throw;
        }
    }

    /// <summary>mailfilterd with this [policy] rule for example.test senders; its milter on a unix socket.</summary>
    public async Task<(DaemonProcess Daemon, string Socket)> StartMailfilterdAsync(string name, string policy, string logLevel = "warning")
    {
        string socket = Path.Combine(Directory, name + ".sock");
        string config = Path.Combine(Directory, name + ".conf");
        await File.WriteAllTextAsync(config, $"""
            [milter]
            listen = unix:{socket}
            spool_directory = {Directory}
            [filter]
            hostname = mx.example.test
            authd_socket = {AuthdSocket}
            [policy]
            local_domains = example.test
            {policy}
            [log]
            level = {logLevel}

            """);
        var daemon = await DaemonProcess.StartMailfilterdAsync("unix:" + socket, Path.Combine(Directory, name + ".log"), "--config", config);
        return (daemon, socket);
    }

    public async ValueTask DisposeAsync()
    {
        await _authd.DisposeAsync();
        await _postgres.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
