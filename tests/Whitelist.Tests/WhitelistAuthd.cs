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
    public PostgresInstance Postgres { get; private set; } = null!;

    public AuthdInstance Authd { get; private set; } = null!;

    /// <summary>authd's directory, where tests put their files for mailfilterctl.</summary>
    public string Directory => Authd.Directory;

    public string Socket => Authd.Socket;

    public int PublicPort => Authd.PublicPort;

    public AuthdClient Client => Authd.Client;

    public HttpClient Public { get; private set; } = null!;

    public string Log => Authd?.Log ?? string.Empty;

    public async Task InitializeAsync()
    {
        Postgres = await PostgresInstance.StartAsync();
        await Postgres.CreateDatabaseAsync("whitelist");
        Authd = await AuthdInstance.StartAsync(new AuthdOptions { Postgres = Postgres, Database = "whitelist" });
        Public = new HttpClient { BaseAddress = new Uri(Authd.PublicUrl + "/"), Timeout = TimeSpan.FromSeconds(90) };
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
        Public?.Dispose();
        if (Authd is not null)
        {
            await Authd.DisposeAsync();
        }

        await Postgres.DisposeAsync();
    }
}
