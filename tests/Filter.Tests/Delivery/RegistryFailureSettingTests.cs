using MailFilter.Filter.Configuration;
using Microsoft.Extensions.Configuration;

namespace MailFilter.Filter.Tests.Delivery;

/// <summary>[delivery] registry_failure (docs/registry.md §5).</summary>
public sealed class RegistryFailureSettingTests
{
    [Theory]
    [InlineData(null, "tag")]
    [InlineData("tag", "tag")]
    [InlineData("WARN", "warn")]
    public void TheSettingIsRead(string? value, string expected)
    {
        var (settings, errors) = Load(value);
        Assert.Empty(errors);
        Assert.Equal(expected, settings.Delivery.RegistryFailure);
    }

    [Fact]
    public void AnUnknownPolicyIsNamedWithItsSectionAndKey()
    {
        var (settings, errors) = Load("quarantine");
        Assert.Equal(["[delivery] registry_failure = quarantine: use tag or warn"], errors);
        Assert.Equal("tag", settings.Delivery.RegistryFailure);
    }

    private static (FilterSettings Settings, List<string> Errors) Load(string? value)
    {
        var values = value is null ? [] : new[] { new KeyValuePair<string, string?>("delivery:registry_failure", value) };
        var settings = FilterSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), out var errors);
        return (settings, errors);
    }
}
