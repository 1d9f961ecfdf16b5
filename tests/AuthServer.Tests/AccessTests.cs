using System.Globalization;
using System.Text.Json;
using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Tests.Support;
using MailFilter.Lab;

namespace MailFilter.AuthServer.Tests;

/// <summary>SO_PEERCRED on the API socket: a peer running as another uid is refused unless configured (issue 4, must show).</summary>
public sealed class AccessTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    // A client running as `nobody` through runuser: the kernel, not the client, reports its uid to authd.
    internal const string Client = """
        import socket, sys
        s = socket.socket(socket.AF_UNIX)
        s.connect(sys.argv[1])
        s.sendall(("GET " + sys.argv[2] + " HTTP/1.1\r\nHost: authd\r\nConnection: close\r\n\r\n").encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        print(head.split(b" ")[1].decode())
        # chunked transfer coding: size line, data, CRLF, ..., 0
        out = b""
        while body:
            size, _, rest = body.partition(b"\r\n")
            n = int(size, 16)
            if n == 0:
                break
            out += rest[:n]
            body = rest[n + 2:]
        print(out.decode())
        """;

    [Fact]
    public async Task APeerRunningAsAnotherUidIsRefusedWith403()
    {
        await using var a = await AuthdInstance.StartAsync(TestAuthd.Options(fixture.Postgres, await fixture.NewDatabaseAsync(), "socket_mode = 0666"));

        var (status, body) = await AsNobodyAsync(a, AuthdRoutes.Status);
        var (keyStatus, _) = await AsNobodyAsync(a, AuthdRoutes.Keys + "?address=alice@example.test");

        Assert.Equal(403, status);
        Assert.Equal(403, keyStatus);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("forbidden", json.RootElement.GetProperty("error").GetString());
        Assert.Contains("uid 65534", json.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        var log = await a.WaitForLogAsync("is not allowed");
        Assert.True(log.Contains("uid 65534 gid 65534 is not allowed", StringComparison.Ordinal), log);
    }

    [Fact]
    public async Task APeerInApiUsersGetsTheServiceRoleButNotTheAdminCalls()
    {
        await using var a = await AuthdInstance.StartAsync(TestAuthd.Options(fixture.Postgres, await fixture.NewDatabaseAsync(), "socket_mode = 0666\napi_users = nobody"));

        var (status, body) = await AsNobodyAsync(a, AuthdRoutes.Status);
        var (admin, adminBody) = await AsNobodyAsync(a, AuthdRoutes.AdminKeys);

        Assert.Equal(200, status);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(65534, json.RootElement.GetProperty("peer").GetProperty("uid").GetInt32());
        Assert.Equal("service", json.RootElement.GetProperty("peer").GetProperty("role").GetString());
        Assert.Equal(403, admin);
        Assert.Contains("admin_users", adminBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RootIsTheOnlyPeerThatMayExportASecret()
    {
        await using var a = await AuthdInstance.StartAsync(TestAuthd.Options(fixture.Postgres, await fixture.NewDatabaseAsync(), "socket_mode = 0666\nadmin_users = nobody"));
        await a.Client.GetCurrentKeyAsync("alice@example.test", KeyUse.Encrypt);

        var (admin, _) = await AsNobodyAsync(a, AuthdRoutes.AdminKeys);
        var exported = await a.Client.ExportSecretAsync("alice@example.test");
        using var python = await NobodyPostAsync(a, AuthdRoutes.AdminExportSecret, "{\"address\":\"alice@example.test\"}");

        Assert.Equal(200, admin);
        Assert.StartsWith("AGE-SECRET-KEY-1", Assert.Single(exported.Identities).Identity, StringComparison.Ordinal);
        Assert.Equal("403", python.RootElement.GetProperty("status").GetString());
        var log = await a.WaitForLogAsync("secret of encryption key");
        Assert.Contains("secret of encryption key", log, StringComparison.Ordinal);
        Assert.DoesNotContain("AGE-SECRET-KEY", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheClientReportsADownDaemonAsUnavailableQuickly()
    {
        using var client = new AuthdClient(new AuthdClientOptions { SocketPath = "/tmp/no-such-dir/authd.sock" });

        var started = DateTime.UtcNow;
        var e = await Assert.ThrowsAsync<AuthdUnavailableException>(() => client.GetStatusAsync());

        Assert.Equal("unreachable", e.ErrorCode);
        Assert.Contains("/tmp/no-such-dir/authd.sock", e.Message, StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task ADatabaseOutageIsUnavailableForNewKeysWhileCachedKeysStillSign()
    {
        var database = await fixture.NewDatabaseAsync();
        await using var a = await AuthdInstance.StartAsync(TestAuthd.Options(fixture.Postgres, database));
        var kid = (await a.Client.SignAsync("alice@example.test", null, Crypto.Signing.SignaturePurpose.SignatureHeader, new byte[32])).Kid;

        await fixture.Postgres.PsqlAsync("postgres", $"ALTER DATABASE {database} WITH ALLOW_CONNECTIONS false");
        await fixture.Postgres.PsqlAsync("postgres", $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'");
        try
        {
            var e = await Assert.ThrowsAsync<AuthdUnavailableException>(() => a.Client.GetCurrentKeyAsync("new@example.test", KeyUse.Sign));
            var signed = await a.Client.SignAsync("alice@example.test", kid, Crypto.Signing.SignaturePurpose.SignatureHeader, new byte[32]);

            Assert.Equal("database-unavailable", e.ErrorCode);
            Assert.Equal(503, e.StatusCode);
            Assert.Equal(kid, signed.Kid);
        }
        finally
        {
            await fixture.Postgres.PsqlAsync("postgres", $"ALTER DATABASE {database} WITH ALLOW_CONNECTIONS true");
        }

        Assert.NotNull(await a.Client.GetCurrentKeyAsync("new@example.test", KeyUse.Sign));
    }

    internal static async Task<(int Status, string Body)> AsNobodyAsync(AuthdInstance server, string path)
    {
        var script = Path.Combine(server.Directory, "client.py");
        await File.WriteAllTextAsync(script, Client);
        var run = await ProcessRunner.RunAsync("/usr/sbin/runuser", ["-u", "nobody", "--", "python3", script, server.Socket, path], workingDirectory: "/");
        run.EnsureSuccess("python client as nobody");
        var lines = run.Stdout.Split('\n', 2);
        return (int.Parse(lines[0], CultureInfo.InvariantCulture), lines[1].Trim());
    }

    private static async Task<JsonDocument> NobodyPostAsync(AuthdInstance server, string path, string json)
    {
        var script = Path.Combine(server.Directory, "post.py");
        await File.WriteAllTextAsync(script, """
            import socket, sys, json
            s = socket.socket(socket.AF_UNIX)
            s.connect(sys.argv[1])
            body = sys.argv[3].encode()
            s.sendall(("POST " + sys.argv[2] + " HTTP/1.1\r\nHost: authd\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: " + str(len(body)) + "\r\n\r\n").encode() + body)
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            print(json.dumps({"status": data.split(b" ")[1].decode(), "secret": b"AGE-SECRET-KEY" in data}))
            """);
        var run = await ProcessRunner.RunAsync("/usr/sbin/runuser", ["-u", "nobody", "--", "python3", script, server.Socket, path, json], workingDirectory: "/");
        run.EnsureSuccess("python client as nobody");
        return JsonDocument.Parse(run.Stdout);
    }
}
