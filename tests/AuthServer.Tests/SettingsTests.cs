using MailFilter.AuthServer.Configuration;
using MailFilter.Lab;
using Microsoft.Extensions.Configuration;

namespace MailFilter.AuthServer.Tests;

public sealed class SettingsTests
{
    private static readonly string s_passwd = Write("root:x:0:0::/root:/bin/sh\nmailfilter:x:120:130::/var/lib/mailfilter:/usr/sbin/nologin\n");
    private static readonly string s_group = Write("root:x:0:\nmailfilter:x:130:\npostfix:x:131:\n");

    [Fact]
    public void WithoutAFileTheDefaultsApply()
    {
        var settings = Load("", out var errors);

        Assert.Empty(errors);
        Assert.Equal("/run/mailfilter/authd.sock", settings.SocketPath);
        Assert.Equal("/etc/mailfilter/master.key", settings.MasterKeyPath);
        Assert.Equal(["127.0.0.1:8893"], settings.PublicListen);
        Assert.Equal(new HashSet<int> { 130 }, settings.Access.ServiceGids);
        Assert.Contains(0, settings.Access.AdminUids);
        Assert.Equal("/var/run/postgresql", settings.Database.Host);
        Assert.True(settings.Database.MigrateOnStart);
        Assert.Empty(settings.LocalDomains);
    }

    [Fact]
    public void EveryKeyIsRead()
    {
        var settings = Load("""
            [authd]
            socket = /tmp/a.sock
            socket_mode = 0600
            socket_group = postfix
            api_users = mailfilter, 1234
            api_groups = postfix
            admin_users = mailfilter
            admin_groups = 131
            public_listen = 127.0.0.1:9000, [::1]:9000
            master_key = /tmp/mk
            local_domains = Example.ORG, bücher.example
            create_on_first_use = no
            key_cache_ttl = 0
            shutdown_timeout = 3s
            [database]
            host = db.internal
            port = 6432
            name = mf
            user = mfuser
            pool_size = 10
            connect_timeout = 2s
            command_timeout = 1m
            migrate_on_start = no
            [log]
            level = warning
            """, out var errors);

        Assert.Empty(errors);
        Assert.Equal(131, settings.SocketGid);
        Assert.Equal(new HashSet<int> { 120, 1234 }, settings.Access.ServiceUids);
        Assert.Equal(new HashSet<int> { 0, 120 }, settings.Access.AdminUids);
        Assert.Equal(new HashSet<string> { "example.org", "xn--bcher-kva.example" }, settings.LocalDomains);
        Assert.False(settings.CreateOnFirstUse);
        Assert.Equal(TimeSpan.Zero, settings.KeyCacheTtl);
        Assert.Equal(2, settings.PublicListen.Count);
        Assert.Equal(6432, settings.Database.Port);
        Assert.Equal(TimeSpan.FromMinutes(1), settings.Database.CommandTimeout);
        Assert.False(settings.Database.MigrateOnStart);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, settings.LogLevel);
    }

    [Fact]
    public void PublicListenNoneDisablesThePublicListener() =>
        Assert.Empty(Load("[authd]\npublic_listen = none", out _).PublicListen);

    [Fact]
    public void MailfilterdSectionsAreLeftToMailfilterdButUnknownSectionsAndKeysAreErrors()
    {
        Load("""
            [milter]
            listen = inet:127.0.0.1:8891
            [filter]
            trace = yes
            [authd]
            sokcet = /tmp/x
            [database]
            port = 99999
            [databse]
            host = x
            """, out var errors);

        Assert.Equal(
            ["[authd] sokcet: unknown setting", "[database] port = 99999: not a number from 1 to 65535", "[databse] host: unknown setting"],
            errors.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void UnknownUsersAndGroupsAreErrorsOnlyWhenConfigured()
    {
        Load("[authd]\napi_users = ghost\nsocket_group = phantoms", out var errors);
        var defaults = AuthSettings.Load(new ConfigurationBuilder().Build(), out var none, new UnixAccounts(s_passwd, Write("root:x:0:\n")));

        Assert.Contains("[authd] api_users = ghost: no such user or group (names are read from /etc/passwd and /etc/group)", errors);
        Assert.Contains("[authd] socket_group = phantoms: no such group (looked in /etc/group)", errors);
        Assert.Empty(none);
        Assert.Empty(defaults.Access.ServiceGids);
    }

    private static AuthSettings Load(string ini, out List<string> errors)
    {
        var path = Write(ini);
        var config = new ConfigurationBuilder().AddIniFile(path).Build();
        return AuthSettings.Load(config, out errors, new UnixAccounts(s_passwd, s_group));
    }

    private static string Write(string text) => TempFiles.Write(text);
}
