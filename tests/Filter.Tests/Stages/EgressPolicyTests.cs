using MailFilter.Filter.Configuration;
using Microsoft.Extensions.Configuration;

namespace MailFilter.Filter.Tests.Stages;

/// <summary><c>egress</c> in [policy] sections (docs/whitelist.md §5) and when the whitelist stage is added.</summary>
public class EgressPolicyTests
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
    public void EgressIsOpenByDefaultAndNoWhitelistStageIsAdded()
    {
        var settings = Load("[policy]\nlocal_domains = example.test\n", out var errors);

        Assert.Empty(errors);
        Assert.Equal(EgressPolicy.Open, settings.Policy.RuleFor("alice@example.test").Egress);
        Assert.False(settings.Policy.UsesWhitelist);
    }

    [Fact]
    public void TheMostSpecificSectionDecidesEgressKeyByKey()
    {
        var settings = Load("""
            [policy]
            local_domains = example.test, example.org

            [policy:example.test]
            egress = whitelist

            [policy:boss@example.test]
            egress = open
            encrypt = required
            """, out var errors);

        Assert.Empty(errors);
        Assert.True(settings.Policy.UsesWhitelist);
        Assert.Equal(EgressPolicy.Whitelist, settings.Policy.RuleFor("alice@example.test").Egress);
        Assert.Equal(EgressPolicy.Open, settings.Policy.RuleFor("boss@example.test").Egress);
        Assert.Equal(EgressPolicy.Open, settings.Policy.RuleFor("carol@example.org").Egress);
        Assert.Equal(EncryptPolicy.Required, settings.Policy.RuleFor("boss@example.test").Encrypt);
    }

    [Fact]
    public void AnUnknownEgressValueIsAClearError()
    {
        Load("[policy]\negress = closed\n\n[policy:example.test]\negress = yes\n", out var errors);

        Assert.Contains("[policy] egress = closed: use open or whitelist", errors);
        Assert.Contains("[policy:example.test] egress = yes: use open or whitelist", errors);
    }
}
