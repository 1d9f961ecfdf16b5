using System.Globalization;
using System.Net.Http.Json;
using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;
using MailFilter.Cli;
using MailFilter.Lab;

namespace MailFilter.Whitelist.Tests;

/// <summary>A private PostgreSQL and one real mailfilter-authd (from its build output) with its socket and its public
/// listener on a free loopback port, shared by a test class. Tests use their own user names, so they do not meet.</summary>
public sealed class WhitelistAuthd : IAsyncLifetime
{
    private DaemonProcess? _daemon;

    public PostgresInstance Postgres { get; private set; } = null!;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("mailfilter-whitelist-").FullName;

    public string Socket => Path.Combine(Directory, "authd.sock");

    public int PublicPort { get; } = FreePort.Next();

    public AuthdClient Client { get; private set; } = null!;

    public HttpClient Public { get; private set; } = null!;

    public string Log => _daemon?.Log ?? string.Empty;

    public async Task InitializeAsync()
    {
        File.SetUnixFileMode(Directory, (UnixFileMode)Convert.ToInt32("755", 8));
        Postgres = await PostgresInstance.StartAsync();
        await Postgres.CreateDatabaseAsync("whitelist");
        var config = Path.Combine(Directory, "mailfilter.conf");
        await File.WriteAllTextAsync(config, $"""
            [authd]
            socket = {Socket}
            master_key = {Path.Combine(Directory, "master.key")}
            local_domains = example.test
            public_listen = 127.0.0.1:{PublicPort.ToString(CultureInfo.InvariantCulture)}

            [database]
            host = {Postgres.Host}
            port = {Postgres.Port.ToString(CultureInfo.InvariantCulture)}
            name = whitelist
            user = {Postgres.User}
            """);
        var authd = Repo.BuildOutput("src/AuthServer", "mailfilter-authd");
        (await ProcessRunner.RunAsync(authd, "--config", config, "--create-master-key")).EnsureSuccess("create master key");
        _daemon = await DaemonProcess.StartAuthdAsync("unix:" + Socket, config + ".log", "--config", config);
        Client = new AuthdClient(new AuthdClientOptions { SocketPath = Socket, RequestTimeout = TimeSpan.FromSeconds(30) });
        Public = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{PublicPort.ToString(CultureInfo.InvariantCulture)}/"), Timeout = TimeSpan.FromSeconds(90) };
    }

    /// <summary>A user with a password and one address, and the given entries.</summary>
    public async Task<UserInfo> AddUserAsync(string name, string password, params string[] targets)
    {
        var user = await Client.AddUserAsync(new UserAddRequest { Name = name, Password = password, Addresses = [name + "@example.test"] });
        if (targets.Length > 0)
        {
            await Client.AddWhitelistEntriesAsync(name, [.. targets.Select(Entry)]);
        }

        return user;
    }

    public static WhitelistEntry Entry(string target) =>
        target.Contains('@', StringComparison.Ordinal) ? new WhitelistEntry { Address = target } : new WhitelistEntry { Domain = target };

    /// <summary>POSTs a public call; <paramref name="client"/> becomes X-Forwarded-For (as the local TLS proxy would set it).</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, object body, string? client = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path.TrimStart('/')) { Content = JsonContent.Create(body) };
        if (client is not null)
        {
            request.Headers.Add("X-Forwarded-For", client);
        }

        return await Public.SendAsync(request, cancellationToken);
    }

    /// <summary>Runs mailfilterctl in-process against this authd.</summary>
    public async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await CommandLine.RunAsync([.. args, "--socket", Socket], output, error);
        return (code, output.ToString(), error.ToString());
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        Public?.Dispose();
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }

        await Postgres.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
