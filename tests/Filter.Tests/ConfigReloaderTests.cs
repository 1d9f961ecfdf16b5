using MailFilter.Filter.Configuration;
using MailFilter.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace MailFilter.Filter.Tests;

/// <summary>SIGHUP's logic without the signal: the file reread, refused whole when broken, restart-only settings named.</summary>
public sealed class ConfigReloaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("reloader-").FullName;

    private string Path_ => Path.Combine(_dir, "mailfilter.conf");

    public void Dispose() => Directory.Delete(_dir, true);

    private void Write(string text) => File.WriteAllText(Path_, text);

    private string Config(string hostname, string listen = "inet:127.0.0.1:1") => $"""
        [milter]
        listen = {listen}

        [filter]
        hostname = {hostname}

        [policy]
        local_domains = example.test
        """;

    [Fact]
    public async Task AReloadRebuildsTheStagesFromTheNewFile()
    {
        Write(Config("before.example.test"));
        var started = FilterConfigFile.Load(Path_, [], out var errors)!;
        Assert.Empty(errors);
        await using var daemon = new FilterDaemon(started.Settings, NullLoggerFactory.Instance);
        var stagesBefore = daemon.Pipeline.Stages;
        var reloader = new ConfigReloader(Path_, [], started, daemon, new SdNotify(string.Empty), NullLogger.Instance);

        Write(Config("after.example.test"));
        Assert.True(reloader.Reload());
        Assert.Equal("after.example.test", daemon.Settings.Hostname);
        Assert.NotSame(stagesBefore, daemon.Pipeline.Stages);
        Assert.Equal(stagesBefore.Select(s => s.Name), daemon.Pipeline.Stages.Select(s => s.Name));
    }

    [Fact]
    public async Task ABrokenFileIsRefusedWholeAndTheRunningSettingsStay()
    {
        Write(Config("before.example.test"));
        var started = FilterConfigFile.Load(Path_, [], out _)!;
        await using var daemon = new FilterDaemon(started.Settings, NullLoggerFactory.Instance);
        var stagesBefore = daemon.Pipeline.Stages;
        var reloader = new ConfigReloader(Path_, [], started, daemon, new SdNotify(string.Empty), NullLogger.Instance);

        Write(Config("after.example.test") + "\nencrypt = sometimes\n");
        Assert.False(reloader.Reload());
        Assert.Equal("before.example.test", daemon.Settings.Hostname);
        Assert.Same(stagesBefore, daemon.Pipeline.Stages);
    }

    [Fact]
    public void AFileThatIsNotIniIsAnErrorNotAnException()
    {
        Write("[milter]\nthis line has no equals sign\n");
        Assert.Null(FilterConfigFile.Load(Path_, [], out var errors));
        Assert.Contains("not an INI file", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingFileIsAnError()
    {
        Assert.Null(FilterConfigFile.Load(Path.Combine(_dir, "absent.conf"), [], out var errors));
        Assert.Contains("does not exist", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void ListenerAndDeliveryChangesAreNamedAsRestartOnlyPolicyChangesAreNot()
    {
        Write(Config("before.example.test"));
        var started = FilterConfigFile.Load(Path_, [], out _)!;
        Write(Config("after.example.test", listen: "inet:127.0.0.1:2") + "\n[log]\nlevel = debug\n");
        var next = FilterConfigFile.Load(Path_, [], out var errors)!;
        Assert.Empty(errors);
        Assert.Equal(["[log] level", "[milter] listen"], next.RestartOnlyChanges(started));
    }
}
