using System.Net;
using System.Net.Http.Json;
using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Tests.Support;
using MailFilter.Lab;

namespace MailFilter.AuthServer.Tests;

/// <summary>Key discovery on the public listener (loopback): what a peer server fetches, and nothing more.</summary>
public sealed class DiscoveryTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task APeerServerFindsTheKeysOfALocalAddressByAddressAndByKid()
    {
        await using var a = await AuthdInstance.StartAsync(TestAuthd.Options(fixture.Postgres, await fixture.NewDatabaseAsync()));
        await a.Client.GenerateAsync("alice@example.test");
        await a.Client.RotateAsync("alice@example.test", KeyUse.Sign);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{a.PublicPort}") };

        var list = await http.GetFromJsonAsync($"{AuthdRoutes.Discovery}?address=alice%40EXAMPLE.test", AuthdJson.Default.KeyList);
        var retired = list!.Keys.Single(k => k.Use == KeyUse.Sign && !k.Current);
        var byKid = await http.GetFromJsonAsync($"{AuthdRoutes.Discovery}?kid={Uri.EscapeDataString(retired.Kid)}", AuthdJson.Default.KeyInfo);

        // The domain is compared in canonical form (lower case), the local part byte-exact (docs/envelope.md §4).
        // Current and previous keys, with validity: a receiver verifies old signatures and refuses revoked keys.
        Assert.Equal(3, list.Keys.Count);
        Assert.All(list.Keys, k => Assert.Equal("alice@example.test", k.Address));
        Assert.Equal(retired.PublicKey, byKid!.PublicKey);
        Assert.NotNull(byKid.NotAfter);
    }

    [Fact]
    public async Task DiscoveryCreatesNoKeysAndServesNoForeignDomain()
    {
        var database = await fixture.NewDatabaseAsync();
        await using var a = await AuthdInstance.StartAsync(TestAuthd.Options(fixture.Postgres, database));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{a.PublicPort}") };

        var unknown = await http.GetFromJsonAsync($"{AuthdRoutes.Discovery}?address=new%40example.test", AuthdJson.Default.KeyList);
        var foreign = await http.GetAsync($"{AuthdRoutes.Discovery}?address=x%40elsewhere.test");

        Assert.Empty(unknown!.Keys);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal("0", (await fixture.Postgres.PsqlAsync(database, "SELECT count(*) FROM keys")).Stdout.Trim());
    }

    [Theory]
    [InlineData("GET", AuthdRoutes.Status)]
    [InlineData("GET", AuthdRoutes.Keys + "?address=alice@example.test")]
    [InlineData("POST", AuthdRoutes.Sign)]
    [InlineData("POST", AuthdRoutes.Unwrap)]
    [InlineData("GET", AuthdRoutes.AdminKeys)]
    [InlineData("POST", AuthdRoutes.AdminExportSecret)]
    public async Task ThePublicListenerDoesNotServeTheSocketApi(string method, string path)
    {
        await using var a = await AuthdInstance.StartAsync(TestAuthd.Options(fixture.Postgres, await fixture.NewDatabaseAsync()));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{a.PublicPort}") };

        var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? JsonContent.Create(new { }) : null });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("ok\n", await http.GetStringAsync(AuthdRoutes.Health));
    }
}
