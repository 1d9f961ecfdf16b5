using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MailFilter.AuthClient;
using MailFilter.Cli;
using MailFilter.Lab;

namespace MailFilter.Registry.Tests.Support;

/// <summary>
/// One mail domain (example.test) with registered mail, started once per test class: PostgreSQL, mailfilter-authd
/// (public listener on a free port; its registration mails go to the Postfix below), a private Postfix that calls
/// mailfilterd as its milter and delivers every address over LMTP to mailfilterd's delivery agent, which stores into
/// Maildirs under <see cref="MaildirRoot"/>. 127.0.0.1 is the trusted network; a client on 127.0.0.2 is "outside".
/// mailfilterd also counts example.org as its own, which authd does not serve (keys for it only when provisioned).
/// </summary>
public sealed partial class RegistryLab : IAsyncLifetime
{
    public const string Domain = "example.test";
    public const string AuthservId = "mx.example.test";

    private readonly List<AuthdInstance> _extraAuthds = [];
    private DaemonProcess? _mailfilterd;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("mailfilter-registry-").FullName;

    public PostgresInstance Postgres { get; private set; } = null!;

    public PostfixInstance Postfix { get; private set; } = null!;

    /// <summary>This domain's mailfilter-authd, its files in <see cref="Directory"/>.</summary>
    public AuthdInstance AuthdServer { get; private set; } = null!;

    public AuthdClient Authd => AuthdServer.Client;

    public int PublicPort => AuthdServer.PublicPort;

    public int MilterPort { get; } = FreePort.Next();

    public int LmtpPort { get; } = FreePort.Next();

    /// <summary>The public listener of example.net's authd (the peer of the two-domain tests), named in this lab's [discovery].</summary>
    public int PeerPublicPort { get; } = FreePort.Next();

    public string PublicUrl => AuthdServer.PublicUrl;

    public string AuthdSocket => AuthdServer.Socket;

    public string MaildirRoot => Path.Combine(Directory, "maildir");

    public string AuthdLog => AuthdServer?.Log ?? string.Empty;

    public string FilterLog => ReadLog("mailfilterd.log");

    public string Diagnostics => $"maillog:\n{string.Join("\n", Postfix.Maillog.Split('\n').TakeLast(30))}\nmailfilterd:\n{FilterLog}\nauthd:\n{AuthdLog}";

    public async Task InitializeAsync()
    {
        File.SetUnixFileMode(Directory, (UnixFileMode)Convert.ToInt32("755", 8));
        Postgres = await PostgresInstance.StartAsync();
        await Postgres.CreateDatabaseAsync("mailfilter");
        Postfix = await PostfixInstance.StartAsync(new PostfixOptions
        {
            SmtpdMilters = "inet:127.0.0.1:" + MilterPort.ToString(CultureInfo.InvariantCulture),
            Delivery = DeliveryMode.Lmtp,
            LmtpDestination = "inet:127.0.0.1:" + LmtpPort.ToString(CultureInfo.InvariantCulture),
            MainCf = new Dictionary<string, string> { ["milter_default_action"] = "tempfail" },
        });
        AuthdServer = await AuthdInstance.StartAsync(AuthdOptions("mailfilter", Domain, "query_rate = 0", Directory, masterKeyFrom: null, publicPort: null,
            extraSections: $"[discovery]\nexample.net = http://127.0.0.1:{PeerPublicPort.ToString(CultureInfo.InvariantCulture)}\ntimeout = 3s\n"));

        var filterConfig = Path.Combine(Directory, "mailfilter.conf");
        await File.WriteAllTextAsync(filterConfig, $"""
            # written by the registry tests
            [milter]
            listen = inet:127.0.0.1:{MilterPort.ToString(CultureInfo.InvariantCulture)}
            spool_directory = {Directory}

            [filter]
            hostname = {AuthservId}
            authd_socket = {AuthdSocket}
            reinject = inet:127.0.0.1:{Postfix.SmtpPort.ToString(CultureInfo.InvariantCulture)}

            [policy]
            local_domains = {Domain}, example.org
            trusted_networks = 127.0.0.1

            [delivery]
            listen = inet:127.0.0.1:{LmtpPort.ToString(CultureInfo.InvariantCulture)}
            maildir = {MaildirRoot}
            authserv_id = {AuthservId}
            spool_directory = {Directory}

            [log]
            level = debug

            """);
        _mailfilterd = await DaemonProcess.StartMailfilterdAsync("inet:127.0.0.1:" + MilterPort.ToString(CultureInfo.InvariantCulture),
            Path.Combine(Directory, "mailfilterd.log"), "--config", filterConfig);
    }

    /// <summary>Starts one more authd (stopped with the lab): by default a second listener on this lab's database and master key;
    /// with <paramref name="newMasterKey"/>, <paramref name="database"/> and <paramref name="localDomains"/>, another domain's server.
    /// <paramref name="registryExtra"/> goes into [registry].</summary>
    public async Task<AuthdInstance> StartAuthdAsync(string registryExtra, string database = "mailfilter", string localDomains = Domain, bool newMasterKey = false,
        int? publicPort = null)
    {
        var authd = await AuthdInstance.StartAsync(AuthdOptions(database, localDomains, registryExtra, directory: null,
            masterKeyFrom: newMasterKey ? null : AuthdServer.MasterKeyPath, publicPort));
        lock (_extraAuthds)
        {
            _extraAuthds.Add(authd);
        }

        return authd;
    }

    /// <summary>An authd of this lab: its mails go to this lab's Postfix, <paramref name="registryExtra"/> goes into [registry],
    /// <paramref name="extraSections"/> after it.</summary>
    private AuthdOptions AuthdOptions(string database, string localDomains, string registryExtra, string? directory, string? masterKeyFrom, int? publicPort,
        string extraSections = "")
    {
        int port = publicPort ?? FreePort.Next();
        return new AuthdOptions
        {
            Postgres = Postgres,
            Database = database,
            LocalDomains = localDomains,
            PublicPort = port,
            Directory = directory,
            MasterKeyFrom = masterKeyFrom,
            AuthdSettings = "socket_mode = 0666",
            Sections = $"""
                [registry]
                public_url = http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}
                smtp = inet:127.0.0.1:{Postfix.SmtpPort.ToString(CultureInfo.InvariantCulture)}
                mail_from = mailfilter-registry@{localDomains.Split(',')[0].Trim()}
                {registryExtra}

                {extraSections}
                """,
        };
    }

    /// <summary>Runs mailfilterctl in-process against this lab's authd.</summary>
    public async Task<(int Code, string Out, string Err)> CtlAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await CommandLine.RunAsync([.. args, "--socket", AuthdSocket], output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The messages in the Maildir of <paramref name="address"/> (new/), oldest first.</summary>
    public IReadOnlyList<string> Mailbox(string address)
    {
        var at = address.IndexOf('@', StringComparison.Ordinal);
        var dir = Path.Combine(MaildirRoot, address[(at + 1)..], address[..at], "new");
        return System.IO.Directory.Exists(dir) ? [.. System.IO.Directory.GetFiles(dir).OrderBy(File.GetLastWriteTimeUtc).ThenBy(f => f, StringComparer.Ordinal)] : [];
    }

    /// <summary>Waits until the Maildir of <paramref name="address"/> holds <paramref name="count"/> messages; returns their text.</summary>
    public async Task<IReadOnlyList<string>> WaitForMailAsync(string address, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (Mailbox(address).Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{address} has {Mailbox(address).Count} of {count} messages\n{Diagnostics}");
            await Task.Delay(100);
            await Postfix.FlushAsync();
        }

        return [.. Mailbox(address).Select(p => Encoding.UTF8.GetString(File.ReadAllBytes(p)))];
    }

    /// <summary>The link (to <paramref name="path"/>) in a registration mail.</summary>
    public string LinkIn(string mail, string path)
    {
        var match = Regex.Match(mail, Regex.Escape(PublicUrl + path) + @"\?token=[A-Za-z0-9_-]{43}");
        Assert.True(match.Success, "no link to " + path + " in:\n" + mail);
        return match.Value;
    }

    /// <summary>The confirmation code in a confirmation mail.</summary>
    public static string CodeIn(string mail) => CodePattern().Match(mail).Groups[1].Value;

    /// <summary>Submits a message to Postfix over SMTP from <paramref name="source"/> (127.0.0.2 is outside the trusted network).</summary>
    public Task<SmtpResult> SendAsync(string from, IReadOnlyList<string> recipients, string message, string source = "127.0.0.1") =>
        Smtp.SendAsync(Postfix.SmtpPort, from, recipients, Encoding.UTF8.GetBytes(message.ReplaceLineEndings("\r\n")), source);

    public Task<ProcessRunner.Result> SqlAsync(string sql) => Postgres.PsqlAsync("mailfilter", sql);

    /// <summary>A single number from psql -At.</summary>
    public async Task<long> CountAsync(string sql) => long.Parse((await SqlAsync(sql)).Stdout.Trim(), CultureInfo.InvariantCulture);

    public async Task DisposeAsync()
    {
        if (_mailfilterd is not null)
        {
            await _mailfilterd.DisposeAsync();
        }

        foreach (var authd in _extraAuthds)
        {
            await authd.DisposeAsync();
        }

        if (AuthdServer is not null)
        {
            await AuthdServer.DisposeAsync();
        }

        if (Postfix is not null)
        {
            await Postfix.DisposeAsync();
        }

        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private string ReadLog(string name) => File.Exists(Path.Combine(Directory, name)) ? PostfixInstance.ReadShared(Path.Combine(Directory, name)) : string.Empty;

    [GeneratedRegex(@"enter this code on the confirmation page: ([0-9a-z]{10})")]
    private static partial Regex CodePattern();
}
