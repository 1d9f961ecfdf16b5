using System.Globalization;
using System.Net;
using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Tests.Support;
using MailFilter.Lab;

namespace MailFilter.AuthServer.Tests;

/// <summary>
/// SIGHUP (systemctl reload mailfilter-authd) to the real process: the reread file applies to the next connection and
/// request while the running daemon keeps serving; settings only a restart applies are named; a file with an error is
/// refused whole and the running settings stay (issue 9).
/// </summary>
public sealed class ReloadTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly HttpClient _http = new();

    [Fact]
    public async Task SighupPutsTheNewAccessAndRateLimitInForceAndNamesWhatNeedsARestart()
    {
        await using var a = await AuthdInstance.StartAsync(TestAuthd.Options(fixture.Postgres, await fixture.NewDatabaseAsync(), "socket_mode = 0666"));
        var url = $"{a.PublicUrl}/.well-known/mailfilter/v1/registry/verify?sender=a@example.test";
        Assert.Equal(403, (await AccessTests.AsNobodyAsync(a, AuthdRoutes.Status)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.GetAsync(url)).StatusCode);
        var started = (await a.Client.GetStatusAsync()).Started;

        a.Options.AuthdSettings = "socket_mode = 0666\napi_users = nobody";
        a.Options.DatabaseSettings = "pool_size = 7";
        a.Options.Sections += "\n[registry]\nquery_rate = 0.01\nquery_burst = 1\n";
        await ReloadAsync(a);

        var log = await a.WaitForLogAsync("configuration reloaded from");
        Assert.Contains("reload: [database] pool_size changed; it takes effect at the next restart", log, StringComparison.Ordinal);
        Assert.DoesNotContain("[authd] api_users changed", log, StringComparison.Ordinal);
        Assert.Equal(200, (await AccessTests.AsNobodyAsync(a, AuthdRoutes.Status)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.GetAsync(url)).StatusCode);
        Assert.Equal((HttpStatusCode)429, (await _http.GetAsync(url)).StatusCode);
        Assert.Equal(started, (await a.Client.GetStatusAsync()).Started); // the same process: reloaded, not restarted
    }

    [Fact]
    public async Task AFileWithAnErrorIsRefusedWholeAndTheRunningSettingsStay()
    {
        await using var a = await AuthdInstance.StartAsync(TestAuthd.Options(fixture.Postgres, await fixture.NewDatabaseAsync(), "socket_mode = 0666\napi_users = nobody"));
        Assert.Equal(200, (await AccessTests.AsNobodyAsync(a, AuthdRoutes.Status)).Status);

        // Dropping nobody from api_users is valid on its own; the bad query_rate makes the whole file refused.
        a.Options.AuthdSettings = "socket_mode = 0666";
        a.Options.Sections += "\n[registry]\nquery_rate = fast\n";
        await ReloadAsync(a);

        var log = await a.WaitForLogAsync("reload refused");
        Assert.Contains("reload refused, the running settings stay", log, StringComparison.Ordinal);
        Assert.Contains("query_rate", log, StringComparison.Ordinal);
        Assert.DoesNotContain("configuration reloaded from", log, StringComparison.Ordinal);
        Assert.Equal(200, (await AccessTests.AsNobodyAsync(a, AuthdRoutes.Status)).Status);
    }

    public void Dispose() => _http.Dispose();

    private static async Task ReloadAsync(AuthdInstance a)
    {
        a.WriteConfig();
        (await ProcessRunner.RunAsync("/bin/kill", "-HUP", a.Process.Pid.ToString(CultureInfo.InvariantCulture))).EnsureSuccess("kill -HUP");
    }
}
