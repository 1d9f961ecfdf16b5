using System.Text.Json;
using MailFilter.Attachments.Tests.Support;

namespace MailFilter.Attachments.Tests;

/// <summary><c>mailfilterctl attachments ...</c> against a real authd: each command with and without --json, and bad input with its exit code.</summary>
public sealed class AttachmentsCliTests(FilesystemLab lab) : IClassFixture<FilesystemLab>
{
    [Fact]
    public async Task List_show_extend_revoke_usage_gc_and_publish()
    {
        var content = System.Security.Cryptography.RandomNumberGenerator.GetBytes(3000);
        var sha = AttachmentLab.Sha(content);
        await lab.SendAsync(content, "Angebot Ä.pdf", "alice@example.test", ["bob@example.org", "carol@example.org"]);

        var list = await lab.CtlAsync("attachments", "list", "--sender", "alice@example.test");
        Assert.Equal(0, list.Code);
        Assert.Contains("Angebot Ä.pdf", list.Out, StringComparison.Ordinal);
        Assert.Contains("bob@example.org", list.Out, StringComparison.Ordinal);

        var json = await lab.CtlAsync("attachments", "list", "--recipient", "bob@example.org", "--json");
        Assert.Equal(0, json.Code);
        var grant = JsonDocument.Parse(json.Out).RootElement.GetProperty("grants")[0];
        long id = grant.GetProperty("id").GetInt64();
        Assert.Equal("live", grant.GetProperty("state").GetString());
        Assert.Equal(sha, grant.GetProperty("sha256").GetString());

        var show = await lab.CtlAsync("attachments", "show", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0, show.Code);
        Assert.Contains("recipient    bob@example.org", show.Out, StringComparison.Ordinal);
        Assert.Contains("version 1", show.Out, StringComparison.Ordinal);
        var byHash = await lab.CtlAsync("attachments", "show", sha, "--json");
        Assert.Equal(0, byHash.Code);
        Assert.Equal(3, JsonDocument.Parse(byHash.Out).RootElement.GetProperty("attachment").GetProperty("refCount").GetInt32());

        var extend = await lab.CtlAsync("attachments", "extend", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--days", "10", "--download-limit", "3", "--json");
        Assert.Equal(0, extend.Code);
        var extended = JsonDocument.Parse(extend.Out).RootElement.GetProperty("grants")[0];
        Assert.Equal(3, extended.GetProperty("downloadLimit").GetInt32());
        Assert.True(extended.GetProperty("expires").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddDays(39));

        var v2 = Path.Combine(lab.Directory, "v2.pdf");
        await File.WriteAllBytesAsync(v2, System.Security.Cryptography.RandomNumberGenerator.GetBytes(1500));
        var publish = await lab.CtlAsync("attachments", "publish", "--sender", "alice@example.test", "--of", sha, v2);
        Assert.Equal(0, publish.Code);
        Assert.Contains("as version 2", publish.Out, StringComparison.Ordinal);

        var revoke = await lab.CtlAsync("attachments", "revoke", "--recipient", "carol@example.org");
        Assert.Equal(0, revoke.Code);
        Assert.Contains("1 grant revoked", revoke.Out, StringComparison.Ordinal);

        var dry = await lab.CtlAsync("attachments", "gc", "--dry-run", "--json");
        Assert.Equal(0, dry.Code);
        Assert.True(JsonDocument.Parse(dry.Out).RootElement.GetProperty("dryRun").GetBoolean());
        var gc = await lab.CtlAsync("attachments", "gc");
        Assert.Equal(0, gc.Code);
        Assert.Contains("released 1 grants", gc.Out, StringComparison.Ordinal);

        var usage = await lab.CtlAsync("attachments", "usage");
        Assert.Equal(0, usage.Code);
        Assert.Contains("backend        filesystem", usage.Out, StringComparison.Ordinal);
        Assert.Contains("% used", usage.Out, StringComparison.Ordinal);
        var usageJson = await lab.CtlAsync("attachments", "usage", "--json");
        Assert.Equal(AttachmentLab.Quota, JsonDocument.Parse(usageJson.Out).RootElement.GetProperty("quota").GetInt64());
    }

    [Theory]
    [InlineData(64, "attachments", "show", "not-a-grant")]
    [InlineData(67, "attachments", "show", "999999999")]
    [InlineData(67, "attachments", "show", "0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData(64, "attachments", "revoke")]
    [InlineData(67, "attachments", "revoke", "999999999")]
    [InlineData(64, "attachments", "extend", "1")]
    [InlineData(65, "attachments", "extend", "1", "--days", "0")]
    [InlineData(65, "attachments", "list", "--sender", "not an address")]
    [InlineData(64, "attachments", "publish", "--sender", "alice@example.test", "--of", "xyz", "/etc/hostname")]
    [InlineData(66, "attachments", "publish", "--sender", "alice@example.test", "--of", "0000000000000000000000000000000000000000000000000000000000000000", "/no/such/file")]
    [InlineData(67, "attachments", "publish", "--sender", "alice@example.test", "--of", "0000000000000000000000000000000000000000000000000000000000000000", "/etc/hostname")]
    public async Task Bad_input_is_refused_with_a_message_and_an_exit_code(int expected, params string[] args)
    {
        var (code, _, err) = await lab.CtlAsync(args);
        Assert.True(expected == code, $"{string.Join(' ', args)}: exit {code}, {err}");
        Assert.False(string.IsNullOrWhiteSpace(err));
    }

    [Fact]
    public async Task State_must_be_one_of_the_known_states()
    {
        var (code, _, err) = await lab.CtlAsync("attachments", "list", "--state", "bogus");
        Assert.NotEqual(0, code);
        Assert.Contains("bogus", err, StringComparison.Ordinal);
    }
}
