using System.Text.Json;

namespace MailFilter.Cli.Tests;

/// <summary>mailfilterctl config check: both daemons' own checks, shown with file and line.</summary>
public sealed class ConfigCheckCommandTests
{
    private static string AuthdBinary => Lab.AuthdInstance.Binary;

    private static Task<(int Code, string Out, string Err)> CheckAsync(string config, params string[] extra) =>
        OperationsScratch.RunAsync(["config", "check", "--config", config, "--mailfilterd", OperationsScratch.MailfilterdBinary, "--authd", AuthdBinary, .. extra]);

    [Fact]
    public async Task ThePackagedFileIsValid()
    {
        var result = await CheckAsync(Path.Combine(Lab.Repo.Root, "packaging/deb/mailfilter.conf"));

        Assert.True(result.Code == 0, result.Out + result.Err);
        Assert.Contains("valid for mailfilterd and mailfilter-authd", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EachProblemIsShownWithItsLineAndTheProgramThatRefusesIt()
    {
        using var scratch = new OperationsScratch(string.Empty);
        scratch.WriteConfig("""
            [policy]
            local_domains = example.test
            encrypt = sometimes

            [authd]
            shutdown_timeout = soon

            [polcy]
            sign = always
            """);

        var result = await CheckAsync(scratch.Config);

        Assert.Equal(78, result.Code);
        Assert.Contains($"{scratch.Config}:3: [policy] encrypt = sometimes: use never, when-possible or required (mailfilterd)", result.Out, StringComparison.Ordinal);
        Assert.Contains($"{scratch.Config}:6: [authd] shutdown_timeout = soon", result.Out, StringComparison.Ordinal);
        Assert.Contains($"{scratch.Config}:8: [polcy]: unknown section", result.Out, StringComparison.Ordinal);
        Assert.Contains("problems: the daemons refuse to start", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALineThatIsNotIniIsFoundByItsText()
    {
        using var scratch = new OperationsScratch(string.Empty);
        scratch.WriteConfig("[policy]\nlocal_domains = example.test\nencrypt required\n");

        var result = await CheckAsync(scratch.Config, "--json");

        Assert.Equal(78, result.Code);
        using var doc = JsonDocument.Parse(result.Out);
        Assert.False(doc.RootElement.GetProperty("valid").GetBoolean());
        var problem = doc.RootElement.GetProperty("problems")[0];
        Assert.Equal(3, problem.GetProperty("line").GetInt32());
        Assert.Contains("not an INI file", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingFileIsAConfigurationError()
    {
        var result = await CheckAsync("/nonexistent/mailfilter.conf");

        Assert.Equal(78, result.Code);
        Assert.Contains("does not exist", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingDaemonBinaryIsUnavailable()
    {
        using var scratch = new OperationsScratch(string.Empty);
        scratch.WriteConfig("[log]\nlevel = debug\n");

        var result = await OperationsScratch.RunAsync("config", "check", "--config", scratch.Config, "--mailfilterd", "/nonexistent/mailfilterd", "--authd", AuthdBinary);

        Assert.Equal(69, result.Code);
        Assert.Contains("mailfilterd not found", result.Err, StringComparison.Ordinal);
    }
}
