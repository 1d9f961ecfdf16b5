using System.Globalization;

namespace MailFilter.Lab;

/// <summary>
/// A private PostgreSQL cluster for tests and benchmarks: initdb into a temporary directory, postgres on
/// 127.0.0.1 at a free port (and a unix socket in the same directory), trust authentication for the
/// superuser "postgres", durability off (fsync, synchronous_commit: test data only). PostgreSQL refuses to
/// run as root, so when the caller is root it runs as the postgres OS user (runuser). <see cref="DisposeAsync"/>
/// stops it with pg_ctl (fast mode), checks that its postmaster PID is gone (SIGKILL by PID otherwise) and
/// deletes the directory.
/// </summary>
public sealed class PostgresInstance : IAsyncDisposable
{
    private int? _postmasterPid;

    private PostgresInstance(string root, string binDirectory, int port)
    {
        Root = root;
        BinDirectory = binDirectory;
        Port = port;
    }

    public string Root { get; }

    public string BinDirectory { get; }

    public string DataDirectory => Path.Combine(Root, "data");

    /// <summary>The postmaster process (from its pid file), while the cluster runs.</summary>
    public int? PostmasterPid => _postmasterPid;

    /// <summary>Holds the unix socket .s.PGSQL.PORT.</summary>
    public string SocketDirectory => Path.Combine(Root, "socket");

    public string LogPath => Path.Combine(Root, "postgres.log");

    public string Host => "127.0.0.1";

    public int Port { get; }

    public string User => "postgres";

    public static async Task<PostgresInstance> StartAsync()
    {
        // A free port can be taken between FreePort's check and the server's bind (test projects run side by side):
        // that one failure is retried on another port; any other start failure says what the server logged.
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync();
            }
            catch (PortTakenException) when (attempt < 3)
            {
            }
        }
    }

    private sealed class PortTakenException(string message) : InvalidOperationException(message);

    private static async Task<PostgresInstance> StartOnceAsync()
    {
        var bin = FindBinDirectory();
        var root = Directory.CreateTempSubdirectory("mailfilter-pg-").FullName;
        File.SetUnixFileMode(root, (UnixFileMode)Convert.ToInt32("755", 8));
        var instance = new PostgresInstance(root, bin, FreePort.Next());
        try
        {
            Directory.CreateDirectory(instance.SocketDirectory);
            if (IsRoot)
            {
                await ProcessRunner.RunAsync("/bin/chown", "-R", "postgres:postgres", root).ContinueWith(t => t.Result.EnsureSuccess("chown"), TaskScheduler.Default);
            }

            (await instance.RunAsPostgresAsync("initdb", ["-D", instance.DataDirectory, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "--no-instructions"]))
                .EnsureSuccess("initdb");
            await instance.StartServerAsync();
            return instance;
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the server (fast shutdown: clients are disconnected), keeping its data; <see cref="StartAgainAsync"/>
    /// brings it back on the same port.</summary>
    public async Task StopAsync()
    {
        (await RunAsPostgresAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "-t", "30", "stop"])).EnsureSuccess("pg_ctl stop");
        _postmasterPid = null;
    }

    public Task StartAgainAsync() => StartServerAsync();

    /// <summary>Creates a database owned by the superuser.</summary>
    public async Task CreateDatabaseAsync(string name) =>
        (await PsqlAsync("postgres", $"CREATE DATABASE \"{name}\"")).EnsureSuccess($"CREATE DATABASE {name}");

    /// <summary>Runs SQL with psql (unaligned, tuples only) and returns the result.</summary>
    public Task<ProcessRunner.Result> PsqlAsync(string database, string sql) =>
        ProcessRunner.RunAsync(Path.Combine(BinDirectory, "psql"),
            ["-h", Host, "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", User, "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql]);

    /// <summary>An Npgsql connection string for <paramref name="database"/>.</summary>
    public string ConnectionString(string database) =>
        $"Host={Host};Port={Port.ToString(CultureInfo.InvariantCulture)};Username={User};Database={database}";

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            try
            {
                await RunAsPostgresAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "-t", "30", "stop"]);
            }
            catch (TimeoutException)
            {
            }
        }

        if (_postmasterPid is int pid)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
            while (Directory.Exists($"/proc/{pid}") && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            if (Directory.Exists($"/proc/{pid}"))
            {
                // The postmaster we started did not stop: kill it by PID (never by name).
                await ProcessRunner.RunAsync("/bin/kill", "-9", pid.ToString(CultureInfo.InvariantCulture));
            }
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    private async Task StartServerAsync()
    {
        string options = string.Join(' ',
            $"-p {Port.ToString(CultureInfo.InvariantCulture)}", $"-k {SocketDirectory}", "-c listen_addresses=127.0.0.1",
            "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off", "-c max_connections=400", "-c shared_buffers=64MB");
        var started = await RunAsPostgresAsync("pg_ctl", ["-D", DataDirectory, "-l", LogPath, "-w", "-t", "60", "-o", options, "start"]);
        if (started.ExitCode != 0)
        {
            string log = File.Exists(LogPath) ? File.ReadAllText(LogPath) : "(no server log)";
            string message = $"pg_ctl start failed with exit code {started.ExitCode} on port {Port.ToString(CultureInfo.InvariantCulture)}: {started.Stderr}{started.Stdout}\nserver log:\n{log}";
            throw log.Contains("already in use", StringComparison.Ordinal) ? new PortTakenException(message) : new InvalidOperationException(message);
        }

        _postmasterPid = int.Parse(File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
    }

    private Task<ProcessRunner.Result> RunAsPostgresAsync(string tool, IEnumerable<string> args)
    {
        var path = Path.Combine(BinDirectory, tool);
        return IsRoot
            ? ProcessRunner.RunAsync("/usr/sbin/runuser", ["-u", "postgres", "--", path, .. args], timeout: TimeSpan.FromMinutes(2), workingDirectory: "/")
            : ProcessRunner.RunAsync(path, args, timeout: TimeSpan.FromMinutes(2));
    }

    /// <summary>Debian's server binaries: /usr/lib/postgresql/VERSION/bin, the highest version installed (postgresql is in scripts/deps.sh).</summary>
    private static string FindBinDirectory()
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out int v) ? v : 0))
                .Where(c => File.Exists(Path.Combine(c.Dir, "initdb")))
                .OrderByDescending(c => c.Version)
                .Select(c => c.Dir)
                .ToList()
            : [];
        return candidates.FirstOrDefault()
            ?? throw new InvalidOperationException("PostgreSQL server binaries not found under /usr/lib/postgresql: install the postgresql package (scripts/deps.sh)");
    }
}
