namespace MailFilter.Hosting.Tests;

public class ConfigValueTests
{
    [Theory]
    [InlineData("65535", 65535L)]
    [InlineData("64K", 65536L)]
    [InlineData("1m", 1048576L)]
    [InlineData("2G", 2147483648L)]
    public void SizesTakeBinaryUnits(string text, long expected)
    {
        Assert.True(ConfigValue.TryParseSize(text, out long n));
        Assert.Equal(expected, n);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("1T")]
    [InlineData("lots")]
    [InlineData("99999999999G")]
    public void BadSizesAreRefused(string text) => Assert.False(ConfigValue.TryParseSize(text, out _));

    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("10s", 10)]
    [InlineData("5m", 300)]
    [InlineData("1h", 3600)]
    [InlineData("90", 90)]
    public void DurationsTakeUnitsAndBareSeconds(string text, double seconds)
    {
        Assert.True(ConfigValue.TryParseDuration(text, out var d));
        Assert.Equal(seconds, d.TotalSeconds, 3);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-5s")]
    public void BadDurationsAreRefused(string text) => Assert.False(ConfigValue.TryParseDuration(text, out _));

    [Fact]
    public void ModesAreOctal()
    {
        Assert.True(ConfigValue.TryParseMode("0660", out var mode));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, mode);
        Assert.False(ConfigValue.TryParseMode("0999", out _));
        Assert.False(ConfigValue.TryParseMode("66", out _));
    }

    [Theory]
    [InlineData("yes", true)]
    [InlineData("On", true)]
    [InlineData("0", false)]
    [InlineData("false", false)]
    public void BooleansTakeTheUsualWords(string text, bool expected)
    {
        Assert.True(ConfigValue.TryParseBool(text, out bool b));
        Assert.Equal(expected, b);
    }

    [Fact]
    public void SectionsBelongToTheirProgram()
    {
        Assert.True(ConfigSections.IsOtherPrograms("authd", ConfigSections.Mailfilterd));
        Assert.False(ConfigSections.IsOtherPrograms("log", ConfigSections.Mailfilterd));
        Assert.False(ConfigSections.IsOtherPrograms("milter", ConfigSections.Mailfilterd));
        Assert.True(ConfigSections.IsOtherPrograms("milter", ConfigSections.Authd));
        Assert.False(ConfigSections.IsKnown("miltr"));
    }
}
