using System.Text.Json;
using MailFilter.Lab;

namespace MailFilter.Cli.Tests;

/// <summary>mailfilterctl status and db migrate against a real mailfilter-authd and PostgreSQL.</summary>
public sealed class StatusAndDbCommandTests(AuthdFixture authd) : IClassFixture<AuthdFixture>
{
    [Fact]
    public async Task StatusShowsTheSchemaKeyCountsAndTheCallersRole()
    {
        var text = await authd.RunAsync("status");
        var json = await authd.RunAsync("status", "--json");

        Assert.Equal(0, text.Code);
        Assert.Matches(@"database       reachable, schema (\d+) of \1\b", text.Out);
        Assert.Contains("role root", text.Out, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(json.Out);
        Assert.Equal("ok", doc.RootElement.GetProperty("state").GetString());
        Assert.Equal(0, doc.RootElement.GetProperty("peer").GetProperty("uid").GetInt32());
    }

    [Fact]
    public async Task StatusWithoutAuthdExitsUnavailable()
    {
        var status = await authd.RunAsync(["status"], Path.Combine(authd.Directory, "absent.sock"));

        Assert.Equal(69, status.Code);
        Assert.Contains("not reachable", status.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusRunAsAnotherUserIsRefusedByPeerCredentials()
    {
        // The real binary, run as nobody: the kernel tells authd the caller's uid (SO_PEERCRED). A copy of the
        // build output under the fixture's directory, which nobody can reach wherever the checkout lives.
        var output = Path.GetDirectoryName(Repo.BuildOutput("src/Cli", "mailfilterctl.dll"))!;
        var copy = Directory.CreateDirectory(Path.Combine(authd.Directory, "cli")).FullName;
        foreach (var file in Directory.GetFiles(output))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)), overwrite: true);
        }

        var cli = Path.Combine(copy, "mailfilterctl.dll");
        var run = await ProcessRunner.RunAsync("/usr/sbin/runuser", ["-u", "nobody", "--", "/usr/bin/dotnet", cli, "status", "--socket", authd.Socket],
            environment: new Dictionary<string, string> { ["DOTNET_CLI_HOME"] = "/tmp", ["HOME"] = "/tmp" }, workingDirectory: "/");

        Assert.Equal(77, run.ExitCode);
        Assert.Contains("uid 65534", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DbMigrateAppliesTheMigrationsOnceAndReportsJson()
    {
        var config = await authd.NewConfigAsync();

        var first = await Run("db", "migrate", "--config", config, "--authd", authd.AuthdBinary, "--json");
        var second = await Run("db", "migrate", "--config", config, "--authd", authd.AuthdBinary);

        Assert.Equal(0, first.Code);
        using var doc = JsonDocument.Parse(first.Out);
        Assert.Equal(0, doc.RootElement.GetProperty("before").GetInt32());
        // Every migration this build carries is applied, in version order (numbers may leave gaps: docs/database.md).
        int after = doc.RootElement.GetProperty("after").GetInt32();
        var applied = doc.RootElement.GetProperty("applied");
        Assert.Equal(after, applied[applied.GetArrayLength() - 1].GetProperty("version").GetInt32());
        Assert.Equal("keys", doc.RootElement.GetProperty("applied")[0].GetProperty("name").GetString());
        Assert.Equal(0, second.Code);
        Assert.Equal("key_discovery", doc.RootElement.GetProperty("applied")[1].GetProperty("name").GetString());
        Assert.Contains($"schema version {after} (was {after})", second.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DbMigrateWithAMissingConfigOrAnUnreachableDatabaseSaysSo()
    {
        var missing = await Run("db", "migrate", "--config", "/nonexistent/mailfilter.conf", "--authd", authd.AuthdBinary);
        var config = Path.Combine(authd.Directory, "unreachable.conf");
        await File.WriteAllTextAsync(config, "[database]\nhost = 127.0.0.1\nport = 1\nconnect_timeout = 2s\n");
        var down = await Run("db", "migrate", "--config", config, "--authd", authd.AuthdBinary);

        Assert.Equal(78, missing.Code);
        Assert.Equal(69, down.Code);
        Assert.Contains("db migrate: database mailfilter@127.0.0.1:1/mailfilter unavailable", down.Err, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await CommandLine.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
