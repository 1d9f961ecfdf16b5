using System.Text.Json;

namespace MailFilter.Cli.Tests;

/// <summary>mailfilterctl postfix-setup against a private Postfix configuration directory (postconf -c).</summary>
public sealed class PostfixSetupCommandTests
{
    private static string Conf(OperationsScratch s) => $"""
        [milter]
        listen = unix:{s.Queue}/mailfilter/milter.sock

        [delivery]
        listen = unix:{s.Queue}/mailfilter/lmtp.sock
        """;

    [Fact]
    public async Task WithoutApplyItPrintsThePostconfLinesAndChangesNothing()
    {
        using var scratch = new OperationsScratch(string.Empty);
        scratch.WriteConfig(Conf(scratch));
        var before = File.ReadAllText(Path.Combine(scratch.PostfixConfig, "main.cf"));

        var result = await OperationsScratch.RunAsync("postfix-setup", "--config", scratch.Config, "--postfix-config", scratch.PostfixConfig);

        Assert.Equal(1, result.Code);
        Assert.Contains($"postconf -c {scratch.PostfixConfig} -e 'smtpd_milters = unix:mailfilter/milter.sock'", result.Out, StringComparison.Ordinal);
        Assert.Contains("'non_smtpd_milters = unix:mailfilter/milter.sock'", result.Out, StringComparison.Ordinal);
        Assert.Contains("'message_size_limit = 104857600'", result.Out, StringComparison.Ordinal);
        Assert.Contains("'virtual_transport = lmtp:unix:mailfilter/lmtp.sock'", result.Out, StringComparison.Ordinal);
        Assert.Contains("run with --apply", result.Out, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(Path.Combine(scratch.PostfixConfig, "main.cf")));
    }

    [Fact]
    public async Task ApplyPutsMailfilterdAfterAContentScannerAndBeforeOpenDkimAndKeepsTheOldValues()
    {
        using var scratch = new OperationsScratch("smtpd_milters = inet:127.0.0.1:11332, unix:opendkim/opendkim.sock\nmessage_size_limit = 52428800");
        scratch.WriteConfig(Conf(scratch));
        var undo = Path.Combine(scratch.Directory, "postfix-setup.undo");

        var applied = await OperationsScratch.RunAsync("postfix-setup", "--apply", "--config", scratch.Config, "--postfix-config", scratch.PostfixConfig, "--undo-file", undo);

        Assert.True(applied.Code == 0, applied.Out + applied.Err);
        Assert.Equal("inet:127.0.0.1:11332, unix:mailfilter/milter.sock, unix:opendkim/opendkim.sock", await scratch.PostconfAsync("smtpd_milters"));
        Assert.Equal("unix:mailfilter/milter.sock", await scratch.PostconfAsync("non_smtpd_milters"));
        Assert.Equal("52428800", await scratch.PostconfAsync("message_size_limit")); // big enough: left alone
        Assert.Equal("yes", await scratch.PostconfAsync("lmtp_send_xforward_command"));
        var kept = File.ReadAllLines(undo);
        Assert.Contains("smtpd_milters = inet:127.0.0.1:11332, unix:opendkim/opendkim.sock", kept);
        Assert.Contains("-X non_smtpd_milters", kept);
        Assert.Contains("Postfix is not running", applied.Out, StringComparison.Ordinal);

        var again = await OperationsScratch.RunAsync("postfix-setup", "--config", scratch.Config, "--postfix-config", scratch.PostfixConfig, "--json");
        Assert.Equal(0, again.Code);
        using var doc = JsonDocument.Parse(again.Out);
        Assert.Equal(0, doc.RootElement.GetProperty("changes").GetArrayLength());
    }

    [Fact]
    public async Task AMisplacedMailfilterdIsMovedBeforeANamedDkimSigner()
    {
        using var scratch = new OperationsScratch("smtpd_milters = inet:127.0.0.1:9999, { unix:mailfilter/milter.sock, default_action = tempfail }");
        scratch.WriteConfig(Conf(scratch));

        var result = await OperationsScratch.RunAsync("postfix-setup", "--apply", "--config", scratch.Config, "--postfix-config", scratch.PostfixConfig,
            "--dkim-signer", "inet:127.0.0.1:9999", "--undo-file", Path.Combine(scratch.Directory, "absent-dir", "undo"));

        Assert.True(result.Code == 0, result.Out + result.Err);
        Assert.Equal("unix:mailfilter/milter.sock, inet:127.0.0.1:9999", await scratch.PostconfAsync("smtpd_milters"));
    }

    [Fact]
    public async Task AnInetMilterIsNamedAsItListensAndASocketOutsideTheChrootIsCalledOut()
    {
        using var scratch = new OperationsScratch(string.Empty);
        scratch.WriteConfig("[milter]\nlisten = unix:/run/mailfilter/milter.sock\n[delivery]\nlisten = unix:/run/mailfilter/lmtp.sock\n");
        var outside = await OperationsScratch.RunAsync("postfix-setup", "--config", scratch.Config, "--postfix-config", scratch.PostfixConfig);
        Assert.Contains("is outside smtpd's chroot", outside.Out, StringComparison.Ordinal);
        Assert.Contains("[delivery] listen", outside.Out, StringComparison.Ordinal);
        Assert.Contains("is outside lmtp(8)'s chroot", outside.Out, StringComparison.Ordinal);

        scratch.WriteConfig("[milter]\nlisten = inet:127.0.0.1:8891\n");
        var inet = await OperationsScratch.RunAsync("postfix-setup", "--config", scratch.Config, "--postfix-config", scratch.PostfixConfig);
        Assert.Contains("'smtpd_milters = inet:127.0.0.1:8891'", inet.Out, StringComparison.Ordinal);
        Assert.Contains("[delivery] listen is none", inet.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APostfixConfigDirectoryWithoutMainCfIsUnavailable()
    {
        using var scratch = new OperationsScratch(string.Empty);
        scratch.WriteConfig(Conf(scratch));

        var result = await OperationsScratch.RunAsync("postfix-setup", "--config", scratch.Config, "--postfix-config", Path.Combine(scratch.Directory, "nowhere"));

        Assert.Equal(69, result.Code);
        Assert.Contains("postfix-setup: postconf", result.Err, StringComparison.Ordinal);
    }
}
