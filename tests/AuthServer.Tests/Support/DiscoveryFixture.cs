using System.Globalization;
using MailFilter.Lab;

namespace MailFilter.AuthServer.Tests.Support;

/// <summary>
/// Two mail domains on loopback, each its own mailfilter-authd, database and master key, in each other's
/// [discovery] peer maps: <see cref="Test"/> (example.test) and <see cref="Net"/> (example.net); a third
/// authd <see cref="Down"/> (down.example) that a test stops; and fake peers (a silent one, a scriptable one,
/// and a probe in example.net's map that must never be called from its public listener). Shared by a test
/// class: every test uses its own addresses. example.test trusts an answer for 1 s, serves it up to 4 s when
/// the peer fails, and asks again at most every 0.5 s.
/// </summary>
public sealed class DiscoveryFixture : IAsyncLifetime
{
    public const string TestTiming = "cache_ttl = 1s\nnegative_ttl = 1s\nmax_stale = 4s\ntimeout = 1s\nrefetch_interval = 500ms";

    /// <summary>Longer than cache_ttl: the next lookup asks the peer again.</summary>
    public static readonly TimeSpan PastCacheTtl = TimeSpan.FromMilliseconds(1200);

    public PostgresInstance Postgres { get; private set; } = null!;

    public AuthdInstance Test { get; private set; } = null!;

    public AuthdInstance Net { get; private set; } = null!;

    public AuthdInstance Down { get; private set; } = null!;

    public FakePeer Silent { get; } = new();

    public FakePeer Fake { get; } = new();

    public FakePeer Probe { get; } = new();

    public async Task InitializeAsync()
    {
        Postgres = await PostgresInstance.StartAsync();
        foreach (var name in new[] { "dtest", "dnet", "ddown" })
        {
            await Postgres.CreateDatabaseAsync(name);
        }

        Test = await AuthdInstance.CreateAsync(TestAuthd.Options(Postgres, "dtest", localDomains: "example.test"));
        Net = await AuthdInstance.CreateAsync(TestAuthd.Options(Postgres, "dnet", localDomains: "example.net"));
        Down = await AuthdInstance.CreateAsync(TestAuthd.Options(Postgres, "ddown", localDomains: "down.example"));
        Test.Options.Sections += $"""
            [discovery]
            example.net = http://127.0.0.1:{Port(Net)}
            down.example = http://127.0.0.1:{Port(Down)}
            silent.example = {Silent.Url}
            fake.example = {Fake.Url}
            {TestTiming}
            """;
        Net.Options.Sections += $"""
            [discovery]
            example.test = http://127.0.0.1:{Port(Test)}
            probe.example = {Probe.Url}
            timeout = 1s
            """;
        await Task.WhenAll(Test.StartAsync(), Net.StartAsync(), Down.StartAsync());
    }

    public async Task DisposeAsync()
    {
        await Test.DisposeAsync();
        await Net.DisposeAsync();
        await Down.DisposeAsync();
        await Silent.DisposeAsync();
        await Fake.DisposeAsync();
        await Probe.DisposeAsync();
        await Postgres.DisposeAsync();
    }

    /// <summary>One value from a server's database (psql, unaligned).</summary>
    public async Task<string> ScalarAsync(AuthdInstance server, string sql) => (await Postgres.PsqlAsync(server.Database, sql)).EnsureSuccess("psql").Stdout.Trim();

    private static string Port(AuthdInstance server) => server.PublicPort.ToString(CultureInfo.InvariantCulture);
}
