using MailFilter.Lab;
using Xunit.Abstractions;

namespace MailFilter.Package.Tests;

/// <summary>
/// The must-show: packaging/deb/e2e.sh builds two versions of the .deb, installs the first in a clean Debian 12 root
/// (debootstrap; the Depends from the mirror), runs the daemons as their units do, wires Postfix with
/// postfix-setup --apply, sends a message that is encrypted in the queue and delivered decrypted, upgrades (keys and
/// data kept) and purges (nothing left). Its output is in the test log.
/// </summary>
public sealed class DebianPackageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ThePackageInstallsRunsUpgradesAndPurgesInACleanDebianRoot()
    {
        var script = Path.Combine(Repo.Root, "packaging", "deb", "e2e.sh");
        var result = await ProcessRunner.RunAsync("/bin/bash", [script], timeout: TimeSpan.FromMinutes(25));
        output.WriteLine(result.Stdout);
        output.WriteLine(result.Stderr);

        var tail = string.Join('\n', (result.Stdout + result.Stderr).Split('\n').TakeLast(60));
        Assert.True(result.ExitCode == 0, $"e2e.sh exited {result.ExitCode}:\n{tail}");
        Assert.Contains("=== e2e: PASSED", result.Stdout, StringComparison.Ordinal);
    }
}
