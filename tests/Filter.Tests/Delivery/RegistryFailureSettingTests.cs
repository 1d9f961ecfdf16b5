using MailFilter.Filter.Configuration;
using Microsoft.Extensions.Configuration;

namespace MailFilter.Filter.Tests.Delivery;

/// <summary>[delivery] registry_failure and quarantine_folder (docs/registry.md §5).</summary>
public sealed class RegistryFailureSettingTests
{
    [Theory]
    [InlineData(null, "tag")]
    [InlineData("tag", "tag")]
    [InlineData("WARN", "warn")]
    [InlineData("quarantine", "quarantine")]
    public void TheSettingIsRead(string? value, string expected)
    {
        var (settings, errors) = Load(("registry_failure", value));
        Assert.Empty(errors);
        Assert.Equal(expected, settings.Delivery.RegistryFailure);
        Assert.Equal("Quarantine", settings.Delivery.QuarantineFolder);
    }

    [Fact]
    public void AnUnknownPolicyIsNamedWithItsSectionAndKey()
    {
        var (settings, errors) = Load(("registry_failure", "bounce"));
        Assert.Equal(["[delivery] registry_failure = bounce: use tag, warn or quarantine"], errors);
        Assert.Equal("tag", settings.Delivery.RegistryFailure);
    }

    [Theory]
    [InlineData("Junk")]
    [InlineData("Phishing-suspects_2")]
    public void AFolderNameIsRead(string folder)
    {
        var (settings, errors) = Load(("quarantine_folder", folder));
        Assert.Empty(errors);
        Assert.Equal(folder, settings.Delivery.QuarantineFolder);
    }

    [Theory]
    [InlineData("")]
    [InlineData("../cur")]
    [InlineData(".Junk")]
    [InlineData("INBOX.Junk")]
    [InlineData("Jünk")]
    [InlineData("a/b")]
    [InlineData("x y")]
    [InlineData("12345678901234567890123456789012345678901234567890123456789012345")]
    public void AFolderNameThatCouldLeaveTheMailboxIsRefused(string folder)
    {
        var (settings, errors) = Load(("quarantine_folder", folder));
        Assert.Equal([$"[delivery] quarantine_folder = {folder}: use 1 to 64 letters, digits, '-' or '_' (one folder under the inbox level)"], errors);
        Assert.Equal("Quarantine", settings.Delivery.QuarantineFolder);
    }

    private static (FilterSettings Settings, List<string> Errors) Load((string Key, string? Value) setting)
    {
        var values = setting.Value is null ? [] : new[] { new KeyValuePair<string, string?>("delivery:" + setting.Key, setting.Value) };
        var settings = FilterSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), out var errors);
        return (settings, errors);
    }
}
