using System.Globalization;
using System.Text.Json;
using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;
using MailFilter.Crypto.Keys;
using MailFilter.Lab;

namespace MailFilter.Cli.Tests;

/// <summary>
/// mailfilterctl keys pins list|show|accept|reject against two real authd (example.test discovering
/// example.net through its public listener) on one private PostgreSQL.
/// </summary>
public sealed class PinsCommandTests(AuthdFixture authd) : IClassFixture<AuthdFixture>
{
    [Fact]
    public async Task PinsShowFirstUseAndAnUnannouncedChangeThatTheAdminDecides()
    {
        var (test, net) = await StartPairAsync();
        using var netClient = new AuthdClient(new AuthdClientOptions { SocketPath = net });
        using var testClient = new AuthdClient(new AuthdClientOptions { SocketPath = test });
        await netClient.GenerateAsync("carol@example.net");
        var pinned = await testClient.GetCurrentKeyAsync("carol@example.net", KeyUse.Encrypt, create: false);

        var list = await authd.RunAsync(["keys", "pins", "list"], test);
        var newKid = await ImportEncryptionKeyAsync(netClient, "carol@example.net");
        await Task.Delay(TimeSpan.FromMilliseconds(1200));
        var stillPinned = await testClient.GetCurrentKeyAsync("carol@example.net", KeyUse.Encrypt, create: false);
        var pending = await authd.RunAsync(["keys", "pins", "list", "--pending", "--json"], test);
        var show = await authd.RunAsync(["keys", "pins", "show", "carol@example.net"], test);
        var accept = await authd.RunAsync(["keys", "pins", "accept", "carol@example.net", "--kid", newKid], test);
        var again = await authd.RunAsync(["keys", "pins", "reject", "carol@example.net"], test);
        var used = await testClient.GetCurrentKeyAsync("carol@example.net", KeyUse.Encrypt, create: false);

        Assert.Equal(0, list.Code);
        Assert.Contains("ADDRESS", list.Out, StringComparison.Ordinal);
        Assert.Equal(2, list.Out.Split('\n').Count(l => l.StartsWith("carol@example.net", StringComparison.Ordinal) && l.Contains("  current  ", StringComparison.Ordinal)
            && l.Contains("first-use", StringComparison.Ordinal)));
        Assert.Contains("no pin changes", list.Out, StringComparison.Ordinal);
        Assert.Equal(pinned!.Kid, stillPinned!.Kid);
        using (var doc = JsonDocument.Parse(pending.Out))
        {
            var change = Assert.Single(doc.RootElement.GetProperty("changes").EnumerateArray());
            Assert.Equal((newKid, pinned.Kid, "pending"), (change.GetProperty("newKid").GetString(), change.GetProperty("oldKid").GetString(), change.GetProperty("state").GetString()));
            Assert.Equal("unconfirmed", Assert.Single(doc.RootElement.GetProperty("keys").EnumerateArray()).GetProperty("pin").GetProperty("state").GetString());
        }

        Assert.Contains($"encrypt {pinned.Kid} -> {newKid}, pending", show.Out, StringComparison.Ordinal);
        Assert.Contains("decide with: mailfilterctl keys pins accept|reject carol@example.net", show.Out, StringComparison.Ordinal);
        Assert.Equal(0, accept.Code);
        Assert.Contains($"accepted  carol@example.net  encrypt  {pinned.Kid} -> {newKid}", accept.Out, StringComparison.Ordinal);
        Assert.Contains($"current   carol@example.net  encrypt  {newKid}", accept.Out, StringComparison.Ordinal);
        Assert.Equal(67, again.Code);
        Assert.Contains("carol@example.net has no pending pin change", again.Err, StringComparison.Ordinal);
        Assert.Equal(newKid, used!.Kid);
    }

    [Fact]
    public async Task BadInputToThePinsCommandsGetsAClearErrorAndChangesNothing()
    {
        var (test, _) = await StartPairAsync();
        var before = (await authd.RunAsync(["keys", "pins", "list", "--json"], test)).Out;

        var badAddress = await authd.RunAsync(["keys", "pins", "accept", "nope"], test);
        var badKid = await authd.RunAsync(["keys", "pins", "reject", "x@example.net", "--kid", "xyz"], test);
        var badFilter = await authd.RunAsync(["keys", "pins", "list", "--address", "bad"], test);
        var badUse = await authd.RunAsync(["keys", "pins", "accept", "x@example.net", "--use", "sideways"], test);
        var nothing = await authd.RunAsync(["keys", "pins", "show", "nobody@example.net"], test);
        var noSocket = await authd.RunAsync(["keys", "pins", "list"], "/nonexistent/authd.sock");

        Assert.Equal((65, 65, 65, 64, 67, 69), (badAddress.Code, badKid.Code, badFilter.Code, badUse.Code, nothing.Code, noSocket.Code));
        Assert.Contains("not a mailbox address", badAddress.Err, StringComparison.Ordinal);
        Assert.Contains("not a key id", badKid.Err, StringComparison.Ordinal);
        Assert.Contains("--use must be sign, encrypt or both", badUse.Err, StringComparison.Ordinal);
        Assert.Contains("nothing pinned for nobody@example.net", nothing.Err, StringComparison.Ordinal);
        Assert.Equal(before, (await authd.RunAsync(["keys", "pins", "list", "--json"], test)).Out);
    }

    /// <summary>example.net with a public listener, and example.test with example.net in its [discovery] map (answers trusted for 1 s).</summary>
    private async Task<(string Test, string Net)> StartPairAsync()
    {
        var net = await authd.StartAuthdAsync("example.net", publicListener: true);
        var test = await authd.StartAuthdAsync("example.test", extraSections: $"""
            [discovery]
            example.net = {net.PublicUrl}
            cache_ttl = 1s
            negative_ttl = 1s
            refetch_interval = 0
            """);
        return (test.Socket, net.Socket);
    }

    /// <summary>A new current encryption key at example.net without a rotation announcement (an import).</summary>
    private static async Task<string> ImportEncryptionKeyAsync(AuthdClient net, string address)
    {
        using var key = X25519PrivateKey.Generate();
        var identity = new char[X25519PrivateKey.AgeIdentityLength];
        key.ExportAgeIdentity(identity);
        await net.ImportAsync(new ImportRequest { Address = address, Use = KeyUse.Encrypt, PrivateKey = new string(identity) });
        return key.KeyId.ToString();
    }
}
