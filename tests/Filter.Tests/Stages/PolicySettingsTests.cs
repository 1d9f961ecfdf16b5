using MailFilter.Filter.Configuration;
using Microsoft.Extensions.Configuration;

namespace MailFilter.Filter.Tests.Stages;

public class PolicySettingsTests
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
    public void TheDefaultsSignAlwaysEncryptWhenPossibleTrustLoopbackAndHaveNoLocalDomains()
    {
        var settings = FilterSettings.Load(new ConfigurationBuilder().Build(), out var errors);
        Assert.Empty(errors);
        var policy = settings.Policy;
        Assert.Empty(policy.LocalDomains);
        Assert.Equal(new PolicyRule(SignPolicy.Always, EncryptPolicy.WhenPossible), policy.RuleFor("alice@example.test"));
        Assert.True(policy.IsTrusted("127.0.0.1"));
        Assert.True(policy.IsTrusted("::1"));
        Assert.True(policy.IsTrusted("::ffff:127.0.0.5"));
        Assert.False(policy.IsTrusted("192.0.2.1"));
        Assert.False(policy.IsTrusted(null));
        Assert.Equal("/run/mailfilter/authd.sock", settings.AuthdSocket);
        Assert.Equal("inet:127.0.0.1:25", settings.Reinject.Spec);
        Assert.Equal(TimeSpan.FromSeconds(60), settings.KeyCacheTtl);
    }

    [Fact]
    public void DomainAndAddressSectionsOverrideKeyByKey()
    {
        var settings = Load("""
            [policy]
            local_domains = Example.TEST, example.org
            trusted_networks = 192.0.2.0/24, 2001:db8::/32, 10.1.2.3
            sign = always
            encrypt = when-possible
            [policy:example.org]
            encrypt = required
            [policy:alice@example.org]
            sign = never
            [policy:bob@example.org]
            encrypt = never
            [filter]
            authd_socket = /tmp/a.sock
            reinject = inet:127.0.0.1:10025
            key_cache_ttl = 0
            """, out var errors);
        Assert.Empty(errors);
        var policy = settings.Policy;
        Assert.True(policy.IsLocal("x@example.test"));
        Assert.True(policy.IsLocal("x@EXAMPLE.org"));
        Assert.False(policy.IsLocal("x@sub.example.org"));
        Assert.True(policy.IsTrusted("192.0.2.200"));
        Assert.True(policy.IsTrusted("2001:db8::1"));
        Assert.True(policy.IsTrusted("10.1.2.3"));
        Assert.False(policy.IsTrusted("127.0.0.1"));
        Assert.Equal(new PolicyRule(SignPolicy.Always, EncryptPolicy.WhenPossible), policy.RuleFor("carol@example.test"));
        Assert.Equal(new PolicyRule(SignPolicy.Always, EncryptPolicy.Required), policy.RuleFor("carol@example.org"));
        Assert.Equal(new PolicyRule(SignPolicy.Never, EncryptPolicy.Required), policy.RuleFor("alice@example.org"));
        Assert.Equal(new PolicyRule(SignPolicy.Always, EncryptPolicy.Never), policy.RuleFor("Bob@Example.org"));
        Assert.Equal("/tmp/a.sock", settings.AuthdSocket);
        Assert.Equal("inet:127.0.0.1:10025", settings.Reinject.Spec);
        Assert.Equal(TimeSpan.Zero, settings.KeyCacheTtl);
    }

    [Fact]
    public void LinksAndTheirStoreFailureAreSetPerDomainAndPerAddress()
    {
        var policy = Load("""
            [policy]
            local_domains = example.test, example.org
            links = over 10M
            [policy:example.org]
            links = always
            links_store_failure = inline
            [policy:bob@example.org]
            links = never
            [policy:carol@example.test]
            links = OVER 512k
            links_store_failure = tempfail
            """, out var errors).Policy;
        Assert.Empty(errors);
        Assert.Equal(new LinksPolicy(LinksMode.Over, 10L << 20), policy.RuleFor("alice@example.test").Links);
        Assert.Equal(LinksStoreFailure.Tempfail, policy.RuleFor("alice@example.test").LinksStoreFailure);
        Assert.Equal(LinksPolicy.Always, policy.RuleFor("alice@example.org").Links);
        Assert.Equal(LinksStoreFailure.Inline, policy.RuleFor("alice@example.org").LinksStoreFailure);
        Assert.Equal(LinksPolicy.Never, policy.RuleFor("bob@example.org").Links);
        Assert.Equal(LinksStoreFailure.Inline, policy.RuleFor("bob@example.org").LinksStoreFailure); // the domain's, key by key
        Assert.Equal(new LinksPolicy(LinksMode.Over, 512 * 1024), policy.RuleFor("carol@example.test").Links);
        Assert.Equal(LinksPolicy.Never, Load("[policy]\nsign = always", out _).Policy.RuleFor("x@y").Links);
    }

    [Theory]
    [InlineData(LinksMode.Always, 0, 0, true)]
    [InlineData(LinksMode.Never, 0, 1_000_000, false)]
    [InlineData(LinksMode.Over, 100, 100, false)]
    [InlineData(LinksMode.Over, 100, 101, true)]
    public void AnAttachmentIsLinkedOnlyOverTheThreshold(LinksMode mode, long threshold, long size, bool applies) =>
        Assert.Equal(applies, new LinksPolicy(mode, threshold).Applies(size));

    [Fact]
    public void TheAuthdSocketDefaultsToAuthdsOwnSettingInTheSharedFile()
    {
        var settings = Load("[authd]\nsocket = /run/x/authd.sock\n", out var errors);
        Assert.Empty(errors);
        Assert.Equal("/run/x/authd.sock", settings.AuthdSocket);
    }

    [Theory]
    [InlineData("[policy]\nsign = sometimes", "[policy] sign = sometimes: use always or never")]
    [InlineData("[policy]\nencrypt = maybe", "[policy] encrypt = maybe: use never, when-possible or required")]
    [InlineData("[policy]\ntrusted_networks = 10.0.0.0/99", "[policy] trusted_networks: \"10.0.0.0/99\" is not an address or a network like 192.0.2.0/24")]
    [InlineData("[policy]\nlocal_domains = alice@example.test", "[policy] local_domains: \"alice@example.test\" is not a domain name")]
    [InlineData("[policy]\ncolour = blue", "[policy] colour: unknown setting")]
    [InlineData("[policy:example.test]\nlocal_domains = x.test", "[policy:example.test] local_domains: only allowed in [policy]")]
    [InlineData("[policy:example.test]\nencrypt = sometimes", "[policy:example.test] encrypt = sometimes: use never, when-possible or required")]
    [InlineData("[policy:example.test]\nlinkz = always", "[policy:example.test] linkz: unknown setting")]
    [InlineData("[policy]\nlinks = sometimes", "[policy] links = sometimes: use never, always or over SIZE (e.g. over 10M)")]
    [InlineData("[policy]\nlinks = over", "[policy] links = over: use never, always or over SIZE")]
    [InlineData("[policy]\nlinks = over -5", "[policy] links = over -5: use never, always or over SIZE")]
    [InlineData("[policy]\nlinks = over 10X", "[policy] links = over 10X: use never, always or over SIZE")]
    [InlineData("[policy]\nlinks = overt 10M", "[policy] links = overt 10M: use never, always or over SIZE")]
    [InlineData("[policy:a@example.test]\nlinks_store_failure = drop", "[policy:a@example.test] links_store_failure = drop: use tempfail or inline")]
    [InlineData("[filter]\nreinject = smtp://x", "[filter] reinject: ")]
    [InlineData("[filter]\nkey_cache_ttl = soon", "[filter] key_cache_ttl = soon: not a duration")]
    public void BadValuesAreNamedWithTheirSectionAndKey(string ini, string expected)
    {
        Load(ini, out var errors);
        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }
}
