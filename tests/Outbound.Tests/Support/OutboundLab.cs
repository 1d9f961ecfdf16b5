using System.Globalization;
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

    private DaemonProcess? _mailfilterd;

    private OutboundLab(string dir, PostgresInstance postgres, string database)
    {
        Directory = dir;
        Postgres = postgres;
        Database = database;
        MilterPort = FreePort.Next();
    }

    public string Directory { get; }

    public PostgresInstance Postgres { get; }

    public string Database { get; }

    public int MilterPort { get; }

    /// <summary>mailfilter-authd, its files in <see cref="Directory"/>.</summary>
    public AuthdInstance AuthdServer { get; private set; } = null!;

    public int PublicPort => AuthdServer.PublicPort;

    public string AuthdSocket => AuthdServer.Socket;

    public string FilterConfig => Path.Combine(Directory, "mailfilter.conf");

    public string FilterLogPath => Path.Combine(Directory, "mailfilterd.log");

    public AuthdClient Authd => AuthdServer.Client;

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
            lab.AuthdServer = await AuthdInstance.StartAsync(new AuthdOptions
            {
                Postgres = lab.Postgres,
                Database = lab.Database,
                Directory = dir,
                Sections = authdExtra,
            });
            var cf = new Dictionary<string, string>();
            foreach (var (k, v) in mainCf ?? new Dictionary<string, string>())
            {
                cf[k] = v;
            }

            lab.Postfix = await PostfixInstance.StartAsync(new PostfixOptions
            {
                SmtpdMilters = $"inet:127.0.0.1:{lab.MilterPort.ToString(CultureInfo.InvariantCulture)}",
                NonSmtpdMilters = $"inet:127.0.0.1:{lab.MilterPort.ToString(CultureInfo.InvariantCulture)}",
                SaslUsers = [("alice@example.test", Password)],
                MainCf = cf,
            });
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

    public Task StartAuthdAsync() => AuthdServer.StartAsync();

    public Task StopAuthdAsync() => AuthdServer.StopAsync();

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
        Postfix.SubmitAsync(("alice@example.test", Password), from, recipients, message);

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

        if (AuthdServer is not null)
        {
            await AuthdServer.DisposeAsync();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
