using MailFilter.Filter.Configuration;
using Microsoft.Extensions.Configuration;

namespace MailFilter.Filter.Tests;

public class FilterSettingsTests
{
    private static FilterSettings Load(string ini, out List<string> errors)
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, ini);
        try
        {
            return FilterSettings.Load(new ConfigurationBuilder().AddIniFile(path).Build(), out errors);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void NoFileMeansTheDocumentedDefaults()
    {
        var settings = FilterSettings.Load(new ConfigurationBuilder().Build(), out var errors);
        Assert.Empty(errors);
        Assert.Equal("inet:127.0.0.1:8891", Assert.Single(settings.Listener.Endpoints).Spec);
        Assert.Equal(1024 * 1024, settings.Milter.MaxPacketSize);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.Milter.ShutdownTimeout);
        Assert.True(settings.Trace);
    }

    [Fact]
    public void EveryKeyIsRead()
    {
        var settings = Load("""
            [milter]
            listen = unix:/run/mailfilter/milter.sock, inet:127.0.0.1:9901
            socket_mode = 0660
            socket_group = postfix
            max_packet_size = 2M
            max_header_count = 500
            max_header_bytes = 1M
            max_message_size = 100M
            spool_memory_threshold = 64K
            spool_directory = /var/lib/mailfilter/spool
            progress_interval = 5s
            read_timeout = 15m
            shutdown_timeout = 1m
            max_connections = 100
            [filter]
            hostname = mx.example.test
            trace = no
            [log]
            level = debug
            """, out var errors);
        Assert.Empty(errors);
        Assert.Equal(["unix:/run/mailfilter/milter.sock", "inet:127.0.0.1:9901"], settings.Listener.Endpoints.Select(e => e.Spec));
        Assert.Equal("postfix", settings.Listener.UnixSocketGroup);
        Assert.Equal(2 * 1024 * 1024, settings.Milter.MaxPacketSize);
        Assert.Equal(500, settings.Milter.MaxHeaderCount);
        Assert.Equal(64 * 1024, settings.Milter.SpoolMemoryThreshold);
        Assert.Equal(TimeSpan.FromMinutes(15), settings.Milter.ReadTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), settings.Milter.ShutdownTimeout);
        Assert.Equal(100, settings.Milter.MaxConnections);
        Assert.Equal("mx.example.test", settings.Hostname);
        Assert.False(settings.Trace);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Debug, settings.LogLevel);
    }

    [Fact]
    public void EveryBadValueIsReportedWithItsSectionAndKey()
    {
        Load("""
            [milter]
            listen = tcp:localhost:1
            socket_mode = 0999
            max_packet_size = lots
            progress_interval = soon
            max_typo = 1
            [filter]
            trace = perhaps
            [log]
            level = loud
            [miltr]
            listen = unix:/x
            """, out var errors);
        Assert.Contains(errors, e => e.StartsWith("[milter] listen:", StringComparison.Ordinal) && e.Contains("\"tcp\"", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("[milter] socket_mode = 0999", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("[milter] max_packet_size = lots", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("[milter] progress_interval = soon", StringComparison.Ordinal));
        Assert.Contains("[milter] max_typo: unknown setting", errors);
        Assert.Contains(errors, e => e.StartsWith("[filter] trace = perhaps", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("[log] level = loud", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("[miltr]: unknown section", StringComparison.Ordinal));
    }

    [Fact]
    public void TheAuthServersSectionsOfTheSharedFileAreLeftToIt()
    {
        Load("""
            [milter]
            listen = inet:127.0.0.1:8891
            [authd]
            socket = /run/mailfilter/authd.sock
            anything = goes here
            [database]
            host = 127.0.0.1
            """, out var errors);
        Assert.Empty(errors);
    }

    [Fact]
    public void APacketCapBelowPostfixsChunkSizeIsRefused()
    {
        Load("[milter]\nmax_packet_size = 1000\n", out var errors);
        Assert.Contains(errors, e => e.Contains("at least 65535", StringComparison.Ordinal));
    }
}
