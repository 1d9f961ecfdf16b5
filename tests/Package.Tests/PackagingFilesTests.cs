using MailFilter.Lab;

namespace MailFilter.Package.Tests;

/// <summary>The files packaging/deb ships, judged by the tools Debian and systemd judge them with.</summary>
public sealed class PackagingFilesTests : IDisposable
{
    private static readonly string s_deb = Path.Combine(Repo.Root, "packaging", "deb");
    private readonly string _dir = Directory.CreateTempSubdirectory("mailfilter-packaging-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public async Task SystemdAnalyzeVerifyAcceptsBothUnitsWithoutAWord()
    {
        // A root with the units, their ExecStart binaries (any executable will do: verify checks they exist) and
        // the system's targets the units name.
        var units = Directory.CreateDirectory(Path.Combine(_dir, "lib/systemd/system")).FullName;
        foreach (var target in Directory.GetFiles("/lib/systemd/system", "*.target"))
        {
            File.Copy(target, Path.Combine(units, Path.GetFileName(target)));
        }

        foreach (var program in (string[])["mailfilterd", "mailfilter-authd"])
        {
            File.Copy(Path.Combine(s_deb, "systemd", program + ".service"), Path.Combine(units, program + ".service"));
            var binary = Path.Combine(Directory.CreateDirectory(Path.Combine(_dir, "usr/lib/mailfilter", program)).FullName, program);
            File.Copy("/bin/true", binary);
        }

        Directory.CreateDirectory(Path.Combine(_dir, "bin"));
        File.Copy("/bin/kill", Path.Combine(_dir, "bin/kill"));

        var result = await ProcessRunner.RunAsync("/usr/bin/systemd-analyze", ["verify", "--man=no", "--root=" + _dir,
            "/lib/systemd/system/mailfilterd.service", "/lib/systemd/system/mailfilter-authd.service"]);

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Equal(string.Empty, (result.Stdout + result.Stderr).Trim());
    }

    [Theory]
    [InlineData("mailfilterd.service")]
    [InlineData("mailfilter-authd.service")]
    public void EveryHardeningLineOfAUnitIsCommentedAndMemoryDenyWriteExecuteIsOff(string unit)
    {
        var lines = File.ReadAllLines(Path.Combine(s_deb, "systemd", unit));
        int hardening = Array.FindIndex(lines, l => l.StartsWith("# --- Hardening", StringComparison.Ordinal));
        Assert.True(hardening > 0, "the unit has a hardening block");
        for (int i = hardening + 1; i < lines.Length && !lines[i].StartsWith('['); i++)
        {
            if (lines[i].Length > 0 && !lines[i].StartsWith('#'))
            {
                // Each setting has its comment above it, or belongs to a group whose comment is above the group.
                int j = i - 1;
                while (j > hardening && lines[j].Length > 0 && !lines[j].StartsWith('#'))
                {
                    j--;
                }

                Assert.True(lines[j].StartsWith('#'), $"{unit}: \"{lines[i]}\" has no comment");
            }
        }

        Assert.DoesNotContain(lines, l => l.StartsWith("MemoryDenyWriteExecute", StringComparison.Ordinal));
        Assert.Contains("Type=notify", lines);
        Assert.Contains("Restart=on-failure", lines);
        Assert.Contains(lines, l => l.StartsWith("RuntimeDirectory=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MaintainerScriptsAndShellFilesParse()
    {
        foreach (var script in (string[])["debian/postinst", "debian/prerm", "debian/postrm"])
        {
            var result = await ProcessRunner.RunAsync("/bin/sh", "-n", Path.Combine(s_deb, script));
            Assert.True(result.ExitCode == 0, script + ": " + result.Stderr);
        }

        foreach (var script in (string[])["build.sh", "e2e.sh", "completion/mailfilterctl", "../publish.sh"])
        {
            var result = await ProcessRunner.RunAsync("/bin/bash", "-n", Path.Combine(s_deb, script));
            Assert.True(result.ExitCode == 0, script + ": " + result.Stderr);
        }
    }

    [Theory]
    [InlineData("mailfilterd.8")]
    [InlineData("mailfilter-authd.8")]
    [InlineData("mailfilterctl.8")]
    [InlineData("mailfilter.conf.5")]
    public async Task ManPagesRenderWithoutWarnings(string page)
    {
        var result = await ProcessRunner.RunAsync("/usr/bin/groff", ["-man", "-Tutf8", "-ww", "-z", Path.Combine(s_deb, "man", page)]);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(string.Empty, result.Stderr.Trim());
    }

    [Fact]
    public void TheCompletionKnowsEveryTopLevelCommand()
    {
        var completion = File.ReadAllText(Path.Combine(s_deb, "completion/mailfilterctl"));
        var root = MailFilter.Cli.CommandLine.BuildRoot(new MailFilter.Cli.CliContext(TextWriter.Null, TextWriter.Null));
        foreach (var command in root.Subcommands)
        {
            Assert.Contains(command.Name, completion, StringComparison.Ordinal);
        }
    }
}
