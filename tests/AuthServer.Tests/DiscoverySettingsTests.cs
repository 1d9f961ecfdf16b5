using MailFilter.AuthServer.Configuration;
using MailFilter.Lab;
using Microsoft.Extensions.Configuration;

namespace MailFilter.AuthServer.Tests;

/// <summary>[discovery]: the peer map and its timings, and every bad value named by section and key.</summary>
public sealed class DiscoverySettingsTests
{
    [Fact]
    public void WithoutTheSectionNoDomainIsDiscoveredAndTheDefaultsApply()
    {
        var d = Load("", out var errors);

        Assert.Empty(errors);
        Assert.Empty(d.Peers);
        Assert.Equal((TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(1), TimeSpan.FromHours(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30)),
            (d.CacheTtl, d.NegativeTtl, d.MaxStale, d.Timeout, d.RefetchInterval));
    }

    [Fact]
    public void PeersAndSettingsAreRead()
    {
        var d = Load("""
            [discovery]
            Example.NET = http://127.0.0.1:8893
            bücher.example = https://keys.bücher.example
            v6.example = http://[::1]:9000/
            cache_ttl = 10m
            negative_ttl = 30s
            max_stale = 2h
            timeout = 1500ms
            refetch_interval = 0
            """, out var errors);

        Assert.Empty(errors);
        Assert.Equal(new Uri("http://127.0.0.1:8893/"), d.Peers["example.net"]);
        Assert.Equal("https", d.Peers["xn--bcher-kva.example"].Scheme);
        Assert.Equal(new Uri("http://127.0.0.1:8893/"), d.PeerFor("bob@example.net"));
        Assert.Null(d.PeerFor("bob@example.org"));
        Assert.Equal(3, d.Peers.Count);
        Assert.Equal((TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(30), TimeSpan.FromHours(2), TimeSpan.FromMilliseconds(1500), TimeSpan.Zero),
            (d.CacheTtl, d.NegativeTtl, d.MaxStale, d.Timeout, d.RefetchInterval));
    }

    [Fact]
    public void BadPeersAndValuesAreErrorsThatNameTheKey()
    {
        Load("""
            [authd]
            local_domains = example.test
            [discovery]
            example.test = http://127.0.0.1:8893
            remote.example = http://192.0.2.10:8893
            ftp.example = ftp://127.0.0.1/
            path.example = http://127.0.0.1:8893/keys
            user.example = http://me@127.0.0.1:8893
            cache_tll = 5m
            timeout = soon
            cache_ttl = 10m
            max_stale = 1m
            """, out var errors);

        Assert.Equal(
            [
                "[discovery] cache_tll: unknown setting",
                "[discovery] example.test = http://127.0.0.1:8893: is in [authd] local_domains: this server answers for it itself",
                "[discovery] ftp.example = ftp://127.0.0.1/: not an http:// or https:// URL (e.g. http://127.0.0.1:8893)",
                "[discovery] max_stale = 1m: must be at least cache_ttl",
                "[discovery] path.example = http://127.0.0.1:8893/keys: give only scheme, host and port: the path /.well-known/mailfilter/v1/keys is added",
                "[discovery] remote.example = http://192.0.2.10:8893: plain http is allowed to a loopback address only: use https",
                "[discovery] timeout = soon: not a duration (e.g. 500ms, 10s, 5m, 1h)",
                "[discovery] user.example = http://me@127.0.0.1:8893: give only scheme, host and port: the path /.well-known/mailfilter/v1/keys is added",
            ],
            errors.Order(StringComparer.Ordinal));
    }

    private static DiscoverySettings Load(string ini, out List<string> errors)
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, ini);
        var settings = AuthSettings.Load(new ConfigurationBuilder().AddIniFile(path).Build(), out errors, new UnixAccounts(Temp("root:x:0:0::/root:/bin/sh\n"), Temp("root:x:0:\n")));
        File.Delete(path);
        return settings.Discovery;
    }

    private static string Temp(string text) => TempFiles.Write(text);
}
