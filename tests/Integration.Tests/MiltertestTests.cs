using MailFilter.Lab;

namespace MailFilter.Integration.Tests;

/// <summary>
/// The independent milter client: Debian's miltertest (OpenDKIM project, libmilter semantics) runs Lua
/// scripts of the conformance plan (reference §5, F1-F19) against mailfilterd's pipeline.
/// </summary>
public sealed class MiltertestTests : IAsyncLifetime
{
    private InProcessFilter _filter = null!;

    public Task InitializeAsync()
    {
        _filter = InProcessFilter.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _filter.DisposeAsync();

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
