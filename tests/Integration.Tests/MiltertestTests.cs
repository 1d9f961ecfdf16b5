using MailFilter.Lab;

namespace MailFilter.Integration.Tests;

/// <summary>
/// The independent milter client: Debian's miltertest (OpenDKIM project, libmilter semantics) runs Lua
/// scripts of the conformance plan (reference §5, F1-F19) against mailfilterd's pipeline. The
/// conformance scripts run with the protocol library's full step set (CONNECT and HELO included, which
/// mailfilterd itself does not ask for); production.lua checks what mailfilterd negotiates.
/// </summary>
public sealed class MiltertestTests : IAsyncLifetime
{
    private InProcessFilter _filter = null!;
    private InProcessFilter _production = null!;

    public Task InitializeAsync()
    {
        _filter = InProcessFilter.Start(features: new MailFilter.Milter.MilterFeatures());
        _production = InProcessFilter.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _filter.DisposeAsync();
        await _production.DisposeAsync();
    }

    [Fact]
    public async Task MailfilterdsOwnNegotiationPassesMiltertest()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Miltertest", "production.lua");
        var result = await ProcessRunner.RunAsync("/usr/bin/miltertest", ["-D", "socket=" + _production.Endpoint.Spec, "-s", path], timeout: TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, $"miltertest production.lua failed ({result.ExitCode}):\n{result.Stdout}{result.Stderr}");
    }

    [Theory]
    [InlineData("negotiate.lua")]
    [InlineData("connect.lua")]
    [InlineData("recipients.lua")]
    [InlineData("eom-headers.lua")]
    [InlineData("eom-body.lua")]
    [InlineData("eom-recipients.lua")]
    [InlineData("eom-sender-quarantine.lua")]
    [InlineData("abort.lua")]
    public async Task MiltertestScriptPasses(string script)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Miltertest", script);
        var result = await ProcessRunner.RunAsync("/usr/bin/miltertest", ["-D", "socket=" + _filter.Endpoint.Spec, "-s", path], timeout: TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, $"miltertest {script} failed ({result.ExitCode}):\n{result.Stdout}{result.Stderr}\nfilter log:\n{string.Join('\n', _filter.Log.Lines.TakeLast(20))}");
        Assert.DoesNotContain(_filter.Log.Lines, l => l.Contains("protocol error", StringComparison.Ordinal));
    }
}
