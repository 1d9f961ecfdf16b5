using System.Text.Json;
using MailFilter.Lab;

namespace MailFilter.Cli.Tests;

/// <summary>mailfilterctl doctor: each kind of problem found on its own, and a sound installation passes.</summary>
public sealed class DoctorCommandTests(AuthdFixture authd) : IClassFixture<AuthdFixture>
{
    /// <summary>A sound installation: socket inside the chroot, wired in main.cf, room for envelopes, key 0600, database migrated.</summary>
    private async Task<(OperationsScratch Scratch, string Database)> SoundAsync(string mainCf = "")
    {
        var scratch = new OperationsScratch("smtpd_milters = unix:mailfilter/milter.sock\nmessage_size_limit = 104857600\n" + mainCf);
        string database = "doctor" + Guid.NewGuid().ToString("N")[..8];
        var authdConfig = await authd.NewConfigAsync(database);
        (await ProcessRunner.RunAsync(authd.AuthdBinary, "--config", authdConfig, "--migrate")).EnsureSuccess("migrate");
        scratch.WriteConfig($"""
            [milter]
            listen = unix:{scratch.Queue}/mailfilter/milter.sock

            {File.ReadAllText(authdConfig)}
            """);
        return (scratch, database);
    }

    private Task<(int Code, string Out, string Err)> DoctorAsync(OperationsScratch scratch) =>
        OperationsScratch.RunAsync("doctor", "--config", scratch.Config, "--postfix-config", scratch.PostfixConfig, "--authd", authd.AuthdBinary, "--json");

    private static List<(string Check, string Severity, string Message)> Findings(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return [.. doc.RootElement.GetProperty("findings").EnumerateArray()
            .Select(f => (f.GetProperty("check").GetString()!, f.GetProperty("severity").GetString()!, f.GetProperty("message").GetString()!))];
    }

    private static List<string> Problems(string json) => [.. Findings(json).Where(f => f.Severity == "problem").Select(f => f.Check)];

    [Fact]
    public async Task ASoundInstallationHasNoProblems()
    {
        var (scratch, _) = await SoundAsync();
        using var _s = scratch;

        var result = await DoctorAsync(scratch);

        Assert.True(result.Code == 0, result.Out + result.Err);
        Assert.Empty(Problems(result.Out));
        Assert.Contains(Findings(result.Out), f => f is ("database", "ok", _));
    }

    [Fact]
    public async Task ItFindsAMilterSocketOutsideTheChroot()
    {
        var (scratch, _) = await SoundAsync();
        using var _s = scratch;
        scratch.WriteConfig(File.ReadAllText(scratch.Config).Replace($"unix:{scratch.Queue}/mailfilter/milter.sock", "unix:/run/mailfilter/milter.sock", StringComparison.Ordinal));

        var result = await DoctorAsync(scratch);

        Assert.Equal(1, result.Code);
        Assert.Contains("socket-chroot", Problems(result.Out));
        Assert.Contains(Findings(result.Out), f => f.Check == "socket-chroot" && f.Message.Contains("/run/mailfilter/milter.sock", StringComparison.Ordinal) && f.Message.Contains("outside smtpd's chroot", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ItFindsAnLmtpSocketOutsideTheChrootOfDebiansLmtp()
    {
        var (scratch, _) = await SoundAsync();
        using var _s = scratch;
        File.AppendAllText(scratch.Config, "\n[delivery]\nlisten = unix:/run/mailfilter/lmtp.sock\n");

        var result = await DoctorAsync(scratch);

        Assert.Equal(1, result.Code);
        Assert.Equal(["lmtp-chroot"], Problems(result.Out));
    }

    [Fact]
    public async Task ItFindsAWorldReadableMasterKey()
    {
        var (scratch, _) = await SoundAsync();
        using var _s = scratch;
        var key = File.ReadLines(scratch.Config).First(l => l.Trim().StartsWith("master_key =", StringComparison.Ordinal)).Split('=', 2)[1].Trim();
        File.SetUnixFileMode(key, (UnixFileMode)Convert.ToInt32("644", 8));

        var result = await DoctorAsync(scratch);

        Assert.Equal(1, result.Code);
        Assert.Equal(["master-key"], Problems(result.Out));
        Assert.Contains(Findings(result.Out), f => f.Check == "master-key" && f.Message.Contains("world-readable (mode 0644)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ItFindsAMissingMigration()
    {
        var (scratch, database) = await SoundAsync();
        using var _s = scratch;
        (await authd.Postgres.PsqlAsync(database, "DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)")).EnsureSuccess("forget the last migration");

        var result = await DoctorAsync(scratch);

        Assert.Equal(1, result.Code);
        Assert.Equal(["migrations"], Problems(result.Out));
        // The last migration of this build (N) is the one missing: "schema M of N" with M < N (numbers may leave gaps:
        // docs/database.md), named "000N_... not applied".
        var message = Assert.Single(Findings(result.Out), f => f.Check == "migrations").Message;
        var schema = System.Text.RegularExpressions.Regex.Match(message, @"schema (\d+) of (\d+)");
        Assert.True(schema.Success, message);
        int applied = int.Parse(schema.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        int known = int.Parse(schema.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(applied < known, message);
        Assert.Matches($@"\b{known:D4}_\w+ not applied", message);
    }

    [Fact]
    public async Task ItFindsATooSmallMessageSizeLimit()
    {
        var (scratch, _) = await SoundAsync();
        using var _s = scratch;
        await ProcessRunner.RunAsync("/usr/sbin/postconf", "-c", scratch.PostfixConfig, "-e", "message_size_limit = 10240000");

        var result = await DoctorAsync(scratch);

        Assert.Equal(1, result.Code);
        Assert.Equal(["message-size"], Problems(result.Out));
        Assert.Contains(Findings(result.Out), f => f.Check == "message-size" && f.Message.Contains("10240000 (10.2 MB) is too small", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ItFindsOpenDkimBeforeMailfilterd()
    {
        var (scratch, _) = await SoundAsync();
        using var _s = scratch;
        await ProcessRunner.RunAsync("/usr/sbin/postconf", "-c", scratch.PostfixConfig, "-e", "smtpd_milters = unix:opendkim/opendkim.sock, unix:mailfilter/milter.sock");

        var result = await DoctorAsync(scratch);

        Assert.Equal(["milter-order"], Problems(result.Out));
    }

    [Fact]
    public async Task ItFindsAnUnreachableDatabaseAndAnUnwiredMilter()
    {
        var (scratch, _) = await SoundAsync();
        using var _s = scratch;
        await ProcessRunner.RunAsync("/usr/sbin/postconf", "-c", scratch.PostfixConfig, "-e", "smtpd_milters =");
        scratch.WriteConfig(System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(scratch.Config), @"port = \d+", $"port = {FreePort.Next()}"));

        var result = await DoctorAsync(scratch);

        Assert.Equal(1, result.Code);
        Assert.Equal(["database", "milter-wired"], Problems(result.Out).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TextOutputSaysWhatToFix()
    {
        var (scratch, _) = await SoundAsync();
        using var _s = scratch;
        await ProcessRunner.RunAsync("/usr/sbin/postconf", "-c", scratch.PostfixConfig, "-e", "message_size_limit = 1000000");

        var result = await OperationsScratch.RunAsync("doctor", "--config", scratch.Config, "--postfix-config", scratch.PostfixConfig, "--authd", authd.AuthdBinary);

        Assert.Equal(1, result.Code);
        Assert.Contains("PROBLEM  message-size:", result.Out, StringComparison.Ordinal);
        Assert.Contains("fix: postconf -e message_size_limit=104857600", result.Out, StringComparison.Ordinal);
        Assert.Contains("1 problem to fix", result.Out, StringComparison.Ordinal);
    }
}
