using System.Globalization;
using System.Text;
using MailFilter.AuthClient;
using MailFilter.Lab;

namespace MailFilter.Outbound.Tests.Support;

/// <summary>
/// One example.test mail server for a test: mailfilter-authd on its own database, a private Postfix with
/// SASL (Cyrus sasldb: alice@example.test can authenticate) that calls mailfilterd as its smtpd and
/// non-smtpd milter, and mailfilterd re-injecting Bcc copies into that Postfix. Postfix delivers to files
/// (exact bytes, one per recipient); <see cref="PostfixOptions.MainCf"/> extras come from the test.
/// Only 127.0.0.1 is a trusted network, so a client on 127.0.0.2 is "outside".
/// </summary>
public sealed class OutboundLab : IAsyncDisposable
{
    public const string Password = "alice-secret";

    private DaemonProcess? _authd;
    private DaemonProcess? _mailfilterd;

    private OutboundLab(string dir, PostgresInstance postgres, string database)
    {
        Directory = dir;
        Postgres = postgres;
        Database = database;
        MilterPort = FreePort.Next();
        PublicPort = FreePort.Next();
        Authd = new AuthdClient(new AuthdClientOptions { SocketPath = AuthdSocket, RequestTimeout = TimeSpan.FromSeconds(30) });
    }

    public string Directory { get; }

    public PostgresInstance Postgres { get; }

    public string Database { get; }

    public int MilterPort { get; }

    public int PublicPort { get; }

    public string AuthdSocket => Path.Combine(Directory, "authd.sock");

    public string AuthdConfig => Path.Combine(Directory, "authd.conf");

    public string FilterConfig => Path.Combine(Directory, "mailfilter.conf");

    public string FilterLogPath => Path.Combine(Directory, "mailfilterd.log");

    public AuthdClient Authd { get; }

    public PostfixInstance Postfix { get; private set; } = null!;

    public DaemonProcess Mailfilterd => _mailfilterd ?? throw new InvalidOperationException("mailfilterd is not running");

    public string FilterLog => File.Exists(FilterLogPath) ? PostfixInstance.ReadShared(FilterLogPath) : string.Empty;

    /// <summary>For failure messages: the end of Postfix's log and mailfilterd's log.</summary>
    public string Diagnostics => $"maillog:\n{string.Join("\n", Postfix.Maillog.Split('\n').TakeLast(30))}\nmailfilterd:\n{FilterLog}";

    /// <summary>Starts everything. <paramref name="policy"/> is the body of [policy] after local_domains and
    /// trusted_networks (e.g. "encrypt = required").</summary>
    /// <param name="authdExtra">More of authd's configuration, e.g. a [discovery] section.</param>
    public static async Task<OutboundLab> StartAsync(PostgresFixture pg, string policy = "", IReadOnlyDictionary<string, string>? mainCf = null, string authdExtra = "")
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("mailfilter-outbound-").FullName;
        File.SetUnixFileMode(dir, (UnixFileMode)Convert.ToInt32("755", 8));
        var lab = new OutboundLab(dir, pg.Postgres, await pg.NewDatabaseAsync());
        try
        {
            await lab.StartAuthdAsync(createKey: true, authdExtra);
            var cf = new Dictionary<string, string>(lab.SaslMainCf()) { ["milter_default_action"] = "tempfail" };
            foreach (var (k, v) in mainCf ?? new Dictionary<string, string>())
            {
                cf[k] = v;
            }

            lab.Postfix = await PostfixInstance.StartAsync(new PostfixOptions
            {
                SmtpdMilters = $"inet:127.0.0.1:{lab.MilterPort.ToString(CultureInfo.InvariantCulture)}",
                NonSmtpdMilters = $"inet:127.0.0.1:{lab.MilterPort.ToString(CultureInfo.InvariantCulture)}",
                MainCf = cf,
            });
            await lab.WriteSaslDatabaseAsync();
            lab.WriteFilterConfig(policy);
            await lab.StartMailfilterdAsync();
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    public async Task StartAuthdAsync(bool createKey = false, string extra = "")
    {
        if (createKey)
        {
            await File.WriteAllTextAsync(AuthdConfig, $"""
                [authd]
                socket = {AuthdSocket}
                master_key = {Path.Combine(Directory, "master.key")}
                local_domains = example.test
                public_listen = 127.0.0.1:{PublicPort.ToString(CultureInfo.InvariantCulture)}

                [database]
                host = {Postgres.Host}
                port = {Postgres.Port.ToString(CultureInfo.InvariantCulture)}
                name = {Database}
                user = {Postgres.User}

                {extra}

                """);
            (await ProcessRunner.RunAsync(Repo.BuildOutput("src/AuthServer", "mailfilter-authd"), ["--config", AuthdConfig, "--create-master-key"]))
                .EnsureSuccess("mailfilter-authd --create-master-key");
        }

        _authd = await DaemonProcess.StartAuthdAsync("unix:" + AuthdSocket, Path.Combine(Directory, "authd.log"), "--config", AuthdConfig);
    }

    public async Task StopAuthdAsync()
    {
        if (_authd is not null)
        {
            await _authd.StopAsync();
            _authd = null;
        }
    }

    public void WriteFilterConfig(string policy) => File.WriteAllText(FilterConfig, $"""
        # written by the outbound tests
        [milter]
        listen = inet:127.0.0.1:{MilterPort.ToString(CultureInfo.InvariantCulture)}
        spool_directory = {Directory}

        [filter]
        hostname = mx.example.test
        authd_socket = {AuthdSocket}
        reinject = inet:127.0.0.1:{Postfix.SmtpPort.ToString(CultureInfo.InvariantCulture)}

        [policy]
        local_domains = example.test
        trusted_networks = 127.0.0.1/32
        {policy}

        [log]
        level = debug

        """);

    public async Task StartMailfilterdAsync() =>
        _mailfilterd = await DaemonProcess.StartMailfilterdAsync($"inet:127.0.0.1:{MilterPort.ToString(CultureInfo.InvariantCulture)}", FilterLogPath, "--config", FilterConfig);

    /// <summary>Submits as alice, authenticated.</summary>
    public Task<SmtpResult> SubmitAsync(IReadOnlyList<string> recipients, byte[] message, string from = "alice@example.test") =>
        Submission.SendAsync(Postfix.SmtpPort, from, recipients, message, ("alice@example.test", Password));

    /// <summary>The queue ids Postfix holds now (postqueue -j).</summary>
    public async Task<IReadOnlyList<string>> QueueIdsAsync()
    {
        var json = await Postfix.QueueJsonAsync();
        return [.. json.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("queue_id").GetString()!)];
    }

    /// <summary>A queued message as postcat(1) shows it (envelope, headers, body), as bytes.</summary>
    public async Task<byte[]> PostcatAsync(string queueId)
    {
        var result = await ProcessRunner.RunAsync("/usr/sbin/postcat", ["-c", Postfix.ConfigDirectory, "-q", queueId]);
        result.EnsureSuccess("postcat");
        return result.StdoutBytes;
    }

    public async ValueTask DisposeAsync()
    {
        if (_mailfilterd is not null)
        {
            await _mailfilterd.DisposeAsync();
        }

        if (Postfix is not null)
        {
            await Postfix.DisposeAsync();
        }

        if (_authd is not null)
        {
            await _authd.DisposeAsync();
        }

        Authd.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Dictionary<string, string> SaslMainCf() => new()
    {
        ["smtpd_sasl_auth_enable"] = "yes",
        ["smtpd_sasl_type"] = "cyrus",
        ["smtpd_sasl_path"] = "smtpd",
        ["smtpd_sasl_security_options"] = "noanonymous",
        ["smtpd_relay_restrictions"] = "permit_mynetworks, permit_sasl_authenticated, reject",
    };

    /// <summary>Cyrus SASL for Postfix's smtpd: a sasldb with alice@example.test, readable by the postfix user
    /// that smtpd runs as. Debian's Postfix reads smtpd.conf from $config_directory/sasl (it ignores
    /// cyrus_sasl_config_path), and smtpd reads it when its process starts: written, then a reload.</summary>
    private async Task WriteSaslDatabaseAsync()
    {
        var sasl = System.IO.Directory.CreateDirectory(Path.Combine(Postfix.ConfigDirectory, "sasl")).FullName;
        var db = Path.Combine(sasl, "sasldb2");
        await File.WriteAllTextAsync(Path.Combine(sasl, "smtpd.conf"), $"pwcheck_method: auxprop\nauxprop_plugin: sasldb\nmech_list: PLAIN LOGIN\nsasldb_path: {db}\n");
        (await ProcessRunner.RunAsync("/usr/sbin/saslpasswd2", ["-p", "-c", "-f", db, "-u", "example.test", "alice"], Encoding.ASCII.GetBytes(Password + "\n")))
            .EnsureSuccess("saslpasswd2");
        (await ProcessRunner.RunAsync("/bin/chown", "postfix", db)).EnsureSuccess("chown sasldb");
        await Postfix.PostconfAsync($"cyrus_sasl_config_path={sasl}");
    }
}
