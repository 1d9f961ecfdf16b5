using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Keys;
using MailFilter.AuthServer.Tests.Support;
using MailFilter.Lab;

namespace MailFilter.AuthServer.Tests;

/// <summary>What mailfilter-authd checks before it serves: the master key (mode, match), the schema, the configuration.</summary>
public sealed class StartupTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task AWrongMasterKeyIsRefusedWithAClearErrorAndNoKeyChanges()
    {
        var database = await fixture.NewDatabaseAsync();
        await using var a = await AuthdInstance.StartAsync(TestAuthd.Options(fixture.Postgres, database));
        var kid = (await a.Client.GetCurrentKeyAsync("alice@example.test", KeyUse.Sign))!.Kid;
        await a.StopAsync();

        File.Move(a.MasterKeyPath, a.MasterKeyPath + ".right");
        MasterKey.Create(a.MasterKeyPath);
        var run = await a.RunAsync();

        Assert.Equal(78, run.ExitCode);
        Assert.Contains("is not the key the private keys in database", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("refusing to start", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(a.Socket));

        // With the right key back, the same key signs again.
        File.Move(a.MasterKeyPath + ".right", a.MasterKeyPath, overwrite: true);
        await a.StartAsync();
        Assert.Equal(kid, (await a.Client.SignAsync("alice@example.test", kid, Crypto.Signing.SignaturePurpose.SignatureHeader, new byte[32])).Kid);
    }

    [Theory]
    [InlineData("640")]
    [InlineData("604")]
    [InlineData("660")]
    public async Task AMasterKeyFileThatGroupOrOthersCanReadIsRefused(string mode)
    {
        await using var a = await AuthdInstance.CreateAsync(TestAuthd.Options(fixture.Postgres, await fixture.NewDatabaseAsync()));
        File.SetUnixFileMode(a.MasterKeyPath, (UnixFileMode)Convert.ToInt32(mode, 8));

        var run = await a.RunAsync();

        Assert.Equal(78, run.ExitCode);
        Assert.Contains($"is accessible by group or others (mode 0{mode}): refusing to start", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingMasterKeyIsRefusedWithTheCommandThatCreatesIt()
    {
        await using var a = await AuthdInstance.CreateAsync(TestAuthd.Options(fixture.Postgres, await fixture.NewDatabaseAsync()));
        File.Delete(a.MasterKeyPath);

        var run = await a.RunAsync();
        var created = await a.RunAsync("--create-master-key");
        var again = await a.RunAsync("--create-master-key");

        Assert.Equal(78, run.ExitCode);
        Assert.Contains("--create-master-key", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, created.ExitCode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(a.MasterKeyPath));
        Assert.Equal(73, again.ExitCode);
    }

    [Fact]
    public async Task MigrateAppliesEachMigrationOnceAndRefusesAChangedOne()
    {
        var database = await fixture.NewDatabaseAsync();
        await using var a = await AuthdInstance.CreateAsync(TestAuthd.Options(fixture.Postgres, database));

        var first = await a.RunAsync("--migrate");
        var second = await a.RunAsync("--migrate", "--json");
        await fixture.Postgres.PsqlAsync(database, "UPDATE schema_migrations SET checksum = '\\x00' WHERE version = 1");
        var changed = await a.RunAsync("--migrate");

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("applied 0001_keys", first.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("applied 0002_key_discovery", first.Stdout, StringComparison.Ordinal);
        var latest = Data.MigrationRunner.LatestVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"\"before\":{latest},\"after\":{latest},\"applied\":[]", second.Stdout, StringComparison.Ordinal);
        Assert.Equal(65, changed.ExitCode);
        Assert.Contains("differs from this build's", changed.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMigrationTheDatabaseLacksIsListedAndAppliedWithGapsInTheNumbering()
    {
        // Numbers may leave gaps (0005 belongs to another branch: this build has 1-4 and 6). The runner applies what the
        // database lacks rather than what is numbered above its newest, so a missing lower one is applied too.
        var database = await fixture.NewDatabaseAsync();
        await using var a = await AuthdInstance.CreateAsync(TestAuthd.Options(fixture.Postgres, database));
        await a.RunAsync("--migrate");
        await fixture.Postgres.PsqlAsync(database,
            "DELETE FROM schema_migrations WHERE version = 6; DROP TABLE blacklist, conflicts, observation_history, observations; ALTER TABLE whitelist_entries DROP COLUMN learned;");
        var status = await a.RunAsync("--schema-status");
        var migrate = await a.RunAsync("--migrate");
        var again = await a.RunAsync("--schema-status");

        Assert.Contains("pending 0006_conflicts", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("applied 0006_conflicts", migrate.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("pending", again.Stdout, StringComparison.Ordinal);
        Assert.Contains(Data.MigrationRunner.All, m => m.Version == 6 && m.Name == "conflicts");
    }

    [Fact]
    public async Task ASchemaNewerThanThisBuildIsRefused()
    {
        var database = await fixture.NewDatabaseAsync();
        await using var a = await AuthdInstance.CreateAsync(TestAuthd.Options(fixture.Postgres, database));
        await a.RunAsync("--migrate");
        await fixture.Postgres.PsqlAsync(database, "INSERT INTO schema_migrations (version, name, checksum) VALUES (999, 'future', '\\x00')");

        var run = await a.RunAsync();

        Assert.Equal(65, run.ExitCode);
        Assert.Contains("newer than this mailfilter-authd knows", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableDatabaseExitsWithUnavailable()
    {
        await using var a = await AuthdInstance.CreateAsync(TestAuthd.Options(fixture.Postgres, "no_such_database"));

        var run = await a.RunAsync();

        Assert.Equal(69, run.ExitCode);
        Assert.Contains("database postgres@127.0.0.1", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownKeysAndBadValuesAreConfigErrorsNamingSectionAndKey()
    {
        await using var a = await AuthdInstance.CreateAsync(TestAuthd.Options(fixture.Postgres, "unused"));
        a.Options.AuthdSettings = "colour = blue\nkey_cache_ttl = soon\napi_users = no-such-user-here";
        a.WriteConfig();

        var run = await a.RunAsync();

        Assert.Equal(78, run.ExitCode);
        Assert.Contains("[authd] colour: unknown setting", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("[authd] key_cache_ttl = soon: not a duration", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("[authd] api_users = no-such-user-here: no such user or group", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APublicPortInUseOrALiveSocketIsExitCode71()
    {
        await using var a = await AuthdInstance.CreateAsync(TestAuthd.Options(fixture.Postgres, await fixture.NewDatabaseAsync()));
        using (var holder = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, a.PublicPort))
        {
            holder.Start();
            var busyPort = await a.RunAsync();

            Assert.Equal(71, busyPort.ExitCode);
            Assert.Contains("cannot start", busyPort.Stderr, StringComparison.Ordinal);
        }

        await a.StartAsync();
        var second = await a.RunAsync();

        Assert.Equal(71, second.ExitCode);
        Assert.Contains("another process listens on this socket", second.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SigtermStopsTheDaemonGracefullyAndRemovesTheSocket()
    {
        await using var a = await AuthdInstance.StartAsync(TestAuthd.Options(fixture.Postgres, await fixture.NewDatabaseAsync()));

        Assert.Equal(0, await a.StopAsync());
        Assert.False(File.Exists(a.Socket));
        Assert.Contains("<6>stopped", a.Log, StringComparison.Ordinal);
    }
}
