using MailFilter.Lab;

namespace MailFilter.Bench.Outbound;

/// <summary>A private PostgreSQL, the Release mailfilter-authd on it, and one Release mailfilterd per policy
/// (started on demand) in a temporary directory; everything stopped by PID on dispose.</summary>
internal sealed class OutboundBenchLab : IAsyncDisposable
{
    private readonly PostgresInstance _postgres;
    private readonly AuthdInstance _authd;

    private OutboundBenchLab(string directory, PostgresInstance postgres, AuthdInstance authd)
    {
        Directory = directory;
        _postgres = postgres;
        _authd = authd;
    }

    public string Directory { get; }

    public string AuthdSocket => _authd.Socket;

    /// <summary>mailfilterd's log of the daemon started as <paramref name="name"/>.</summary>
    public string LogOf(string name) => File.ReadAllText(Path.Combine(Directory, name + ".log"));

    public static async Task<OutboundBenchLab> StartAsync()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("mailfilter-bench-outbound-").FullName;
        var postgres = await PostgresInstance.StartAsync();
        try
        {
            await postgres.CreateDatabaseAsync("mailfilter");
            var authd = await AuthdInstance.StartAsync(new AuthdOptions
            {
                Postgres = postgres,
                Directory = directory,
                PublicListener = false,
                Sections = $"[attachments]\npath = {Path.Combine(directory, "attachments")}\n[log]\nlevel = warning",
            });
            return new OutboundBenchLab(directory, postgres, authd);
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
