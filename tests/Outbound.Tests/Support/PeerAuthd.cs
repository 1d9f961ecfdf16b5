using System.Globalization;
using MailFilter.AuthClient;
using MailFilter.Lab;

namespace MailFilter.Outbound.Tests.Support;

/// <summary>Another domain's mailfilter-authd (its own database and master key), whose public listener serves
/// its keys to peers by key discovery (docs/authd-api.md §7).</summary>
public sealed class PeerAuthd : IAsyncDisposable
{
    private readonly DaemonProcess _daemon;

    private PeerAuthd(string dir, DaemonProcess daemon, int publicPort)
    {
        Directory = dir;
        _daemon = daemon;
        PublicPort = publicPort;
        Client = new AuthdClient(new AuthdClientOptions { SocketPath = Path.Combine(dir, "authd.sock"), RequestTimeout = TimeSpan.FromSeconds(30) });
    }

    public string Directory { get; }

    public int PublicPort { get; }

    public AuthdClient Client { get; }

    public static async Task<PeerAuthd> StartAsync(PostgresFixture pg, string domain)
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("mailfilter-peer-").FullName;
        File.SetUnixFileMode(dir, (UnixFileMode)Convert.ToInt32("755", 8));
        int port = FreePort.Next();
        string config = Path.Combine(dir, "authd.conf");
        await File.WriteAllTextAsync(config, $"""
            [authd]
            socket = {Path.Combine(dir, "authd.sock")}
            master_key = {Path.Combine(dir, "master.key")}
            local_domains = {domain}
            public_listen = 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}

            [database]
            host = {pg.Postgres.Host}
            port = {pg.Postgres.Port.ToString(CultureInfo.InvariantCulture)}
            name = {await pg.NewDatabaseAsync()}
            user = {pg.Postgres.User}

            """);
        var authd = Repo.BuildOutput("src/AuthServer", "mailfilter-authd");
        (await ProcessRunner.RunAsync(authd, ["--config", config, "--create-master-key"])).EnsureSuccess("mailfilter-authd --create-master-key");
        var daemon = await DaemonProcess.StartAuthdAsync("unix:" + Path.Combine(dir, "authd.sock"), Path.Combine(dir, "authd.log"), "--config", config);
        return new PeerAuthd(dir, daemon, port);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _daemon.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
