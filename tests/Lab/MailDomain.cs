using System.Globalization;
using MailFilter.AuthClient;

namespace MailFilter.Lab;

/// <summary>
/// One mail domain's server on loopback, set up as a sysadmin runs MailFilter: its own PostgreSQL, mailfilter-authd
/// (keys for the domain, public listener for key discovery), Dovecot (IMAP and LMTP, a mailbox per user), mailfilterd
/// (milter for outbound mail, LMTP delivery agent handing inbound mail to Dovecot) and Postfix (SMTP AUTH for the
/// users, mailfilterd as smtpd and non-smtpd milter, the delivery agent as transport for everything, peers' domains
/// routed to their Postfix by transport_maps). Every user's password is <see cref="Password"/>. Only 127.0.0.1 is a
/// trusted network: a client on 127.0.0.2 is "outside". Stopped by PID, in reverse order, by <see cref="DisposeAsync"/>.
/// </summary>
public sealed class MailDomain : IAsyncDisposable
{
    public const string Password = "secret";

    private readonly List<MailDomain> _peers = [];
    private readonly string _policy;
    private readonly string _attachmentSettings;
    private readonly string _filterSettings;
    private readonly MailDomainStore _store;
    private readonly string _logLevel;
    private string _deliverySettings = string.Empty;
    private AuthdInstance? _authd;
    private DaemonProcess? _mailfilterd;
    private bool _disposed;

    private MailDomain(string name, IReadOnlyList<string> users, string policy, string filterSettings, MailDomainStore store, string logLevel,
        string attachmentSettings)
    {
        _attachmentSettings = attachmentSettings;
        _store = store;
        _logLevel = logLevel;
        Name = name;
        Users = users;
        _policy = policy;
        _filterSettings = filterSettings;
        Directory = System.IO.Directory.CreateTempSubdirectory($"mailfilter-{name}-").FullName;
        File.SetUnixFileMode(Directory, (UnixFileMode)Convert.ToInt32("755", 8));
        MilterPort = FreePort.Next();
        LmtpPort = FreePort.Next();
    }

    /// <summary>The domain, e.g. example.test.</summary>
    public string Name { get; }

    /// <summary>The mail server's host name and the authserv-id of its Authentication-Results: mx.DOMAIN.</summary>
    public string Hostname => "mx." + Name;

    public IReadOnlyList<string> Users { get; }

    public string Directory { get; }

    public int MilterPort { get; }

    public int LmtpPort { get; }

    /// <summary>mailfilter-authd's public listener (key discovery, attachment downloads).</summary>
    public int PublicPort => AuthdServer.PublicPort;

    public PostgresInstance Postgres { get; private set; } = null!;

    /// <summary>Dovecot, when the store is <see cref="MailDomainStore.Dovecot"/>.</summary>
    public DovecotInstance Dovecot { get; private set; } = null!;

    /// <summary>The base of the delivery agent's Maildirs when the store is <see cref="MailDomainStore.Maildir"/>: each
    /// user's is <c>MaildirBase/DOMAIN/LOCALPART/</c>.</summary>
    public string MaildirBase => Path.Combine(Directory, "maildir");

    public PostfixInstance Postfix { get; private set; } = null!;

    /// <summary>mailfilter-authd (its files in <see cref="Directory"/>).</summary>
    public AuthdInstance AuthdServer => _authd ?? throw new InvalidOperationException("mailfilter-authd was not set up");

    /// <summary>A client of authd as root (admin calls: rotation).</summary>
    public AuthdClient Authd => AuthdServer.Client;

    public DaemonProcess Mailfilterd => _mailfilterd ?? throw new InvalidOperationException("mailfilterd is not running");

    public DaemonProcess AuthdProcess => AuthdServer.Process;

    public string AuthdSocket => AuthdServer.Socket;

    public string AuthdConfig => AuthdServer.ConfigPath;

    public string FilterConfig => Path.Combine(Directory, "mailfilter.conf");

    public string FilterLogPath => Path.Combine(Directory, "mailfilterd.log");

    public string AuthdLogPath => AuthdServer.LogPath;

    /// <summary>authd's attachment store (<c>[attachments] path</c>).</summary>
    public string AttachmentStorePath => Path.Combine(Directory, "attachments");

    /// <summary>Where the public listener is reached: the base of attachment links and registry pages.</summary>
    public string PublicUrl => "http://127.0.0.1:" + PublicPort.ToString(CultureInfo.InvariantCulture);

    public string FilterLog => ReadIfExists(FilterLogPath);

    public string AuthdLog => _authd?.Log ?? string.Empty;

    /// <summary>For failure messages: the ends of Postfix's, mailfilterd's and authd's logs.</summary>
    public string Diagnostics =>
        $"[{Name}] maillog:\n{Tail(Postfix?.Maillog, 30)}\n[{Name}] deliveries:\n{Tail(Deliveries, 20)}\n" +
        $"[{Name}] mailfilterd:\n{Tail(FilterLog, 30)}\n[{Name}] authd:\n{Tail(AuthdLog, 15)}";

    /// <summary>The maillog's delivery attempts (status=...).</summary>
    private string Deliveries => string.Join("\n", (Postfix?.Maillog ?? string.Empty).Split('\n').Where(l => l.Contains(" status=", StringComparison.Ordinal)));

    /// <summary>Starts the domain's server. <paramref name="users"/> are full addresses in the domain;
    /// <paramref name="policy"/> is more of mailfilterd's [policy] section (e.g. "encrypt = required"),
    /// <paramref name="authdSettings"/> more of authd's [authd] section, <paramref name="filterSettings"/> more of
    /// mailfilterd's [filter] section (e.g. "key_cache_ttl = 0"), <paramref name="deliverySettings"/> more of its
    /// [delivery] section (e.g. "registry_failure = quarantine"). <paramref name="store"/>: where the delivery agent puts
    /// mail (Dovecot, readable over IMAP, or its own Maildirs under <see cref="MaildirBase"/> with no Dovecot started);
    /// <paramref name="logLevel"/>: mailfilterd's [log] level; <paramref name="attachmentSettings"/>: more of authd's
    /// [attachments] section (the store is <see cref="AttachmentStorePath"/>, links start with <see cref="PublicUrl"/>).
    /// authd submits its own mails (registry, proof codes) to the domain's Postfix.</summary>
    public static async Task<MailDomain> StartAsync(string name, IReadOnlyList<string> users, string policy = "", string authdSettings = "", string filterSettings = "",
        MailDomainStore store = MailDomainStore.Dovecot, string logLevel = "debug", string deliverySettings = "", string attachmentSettings = "")
    {
        var domain = new MailDomain(name, users, policy, filterSettings, store, logLevel, attachmentSettings) { _deliverySettings = deliverySettings };
        try
        {
            domain.Postgres = await PostgresInstance.StartAsync();
            await domain.Postgres.CreateDatabaseAsync("mailfilter");
            if (store == MailDomainStore.Dovecot)
            {
                domain.Dovecot = await DovecotInstance.StartAsync(users.Select(u => (u, Password)));
            }

            string milter = "inet:127.0.0.1:" + domain.MilterPort.ToString(CultureInfo.InvariantCulture);
            domain.Postfix = await PostfixInstance.StartAsync(new PostfixOptions
            {
                Hostname = domain.Hostname,
                Domain = name,
                SmtpdMilters = milter,
                NonSmtpdMilters = milter,
                Delivery = DeliveryMode.Lmtp,
                LmtpDestination = "inet:127.0.0.1:" + domain.LmtpPort.ToString(CultureInfo.InvariantCulture),
                SaslUsers = [.. users.Select(u => (u, Password))],
            });

            // Postfix first: authd's mails go to its SMTP port. Postfix does not call the milter before mail comes.
            domain._authd = await AuthdInstance.CreateAsync(new AuthdOptions
            {
                Postgres = domain.Postgres,
                LocalDomains = name,
                Directory = domain.Directory,
                AuthdSettings = authdSettings,
            });
            await domain.StartAuthdAsync();
            await domain.WriteFilterConfigAsync();
            await domain.StartMailfilterdAsync();
            return domain;
        }
        catch
        {
            await domain.DisposeAsync();
            throw;
        }
    }

    /// <summary>Makes <paramref name="peer"/>'s domain reachable from this one: its mail is routed to the peer's Postfix
    /// (transport_maps) and its keys are found through the peer's authd (a [discovery] entry; authd restarts).
    /// Call it on both for mail both ways.</summary>
    public async Task ConnectAsync(MailDomain peer)
    {
        _peers.Add(peer);
        var routes = _peers.Select(p => $"{p.Name}=smtp:[127.0.0.1]:{p.Postfix.SmtpPort.ToString(CultureInfo.InvariantCulture)}");
        await Postfix.PostconfAsync($"transport_maps=inline:{{ {string.Join(", ", routes)} }}");
        await RestartAuthdAsync();
    }

    /// <summary>More sections of authd's configuration, written after [discovery] (e.g. "[conflicts]\nwindow = 5m"): set it,
    /// then <see cref="RestartAuthdAsync"/> (or <see cref="ConnectAsync"/>, which restarts authd too).</summary>
    public string AuthdSections { get; set; } = string.Empty;

    /// <summary>More settings of authd's [discovery] section (e.g. "refetch_interval = 0"), written before the peers.</summary>
    public string DiscoverySettings { get; set; } = string.Empty;

    /// <summary>Rewrites authd's configuration and restarts it.</summary>
    public async Task RestartAuthdAsync()
    {
        await StopAuthdAsync();
        await StartAuthdAsync();
    }

    /// <summary>The messages in a user's Maildir (store <see cref="MailDomainStore.Maildir"/>), oldest file name first.</summary>
    public IReadOnlyList<byte[]> MaildirMessages(string address)
    {
        int at = address.LastIndexOf('@');
        var dir = Path.Combine(MaildirBase, address[(at + 1)..], address[..at], "new");
        return System.IO.Directory.Exists(dir) ? [.. System.IO.Directory.GetFiles(dir).Order(StringComparer.Ordinal).Select(File.ReadAllBytes)] : [];
    }

    /// <summary>Submits over SMTP, authenticated as <paramref name="from"/> (one of <see cref="Users"/>).</summary>
    public Task<SmtpResult> SubmitAsync(string from, IReadOnlyList<string> recipients, byte[] message) =>
        Postfix.SubmitAsync((from, Password), from, recipients, message);

    /// <summary>Every message in the user's INBOX, read with Python's imaplib.</summary>
    public Task<IReadOnlyList<byte[]>> MailboxAsync(string address) => Dovecot.FetchAsync(address, Password);

    /// <summary>Waits until the user's INBOX holds at least <paramref name="count"/> messages; returns what it holds then.</summary>
    public Task<IReadOnlyList<byte[]>> WaitForMailAsync(string address, int count, TimeSpan timeout) =>
        Dovecot.WaitForMessagesAsync(address, Password, count, timeout);

    /// <summary>The message with this Message-ID in the user's INBOX, waited for up to <paramref name="wait"/>; null if it
    /// did not arrive; an error if it is there more than once.</summary>
    public Task<byte[]?> FindAsync(string address, string messageId, TimeSpan wait, string folder = "INBOX") =>
        Dovecot.FindAsync(address, Password, messageId, wait, folder);

    /// <summary>Writes authd's configuration (peers, <see cref="DiscoverySettings"/>, <see cref="AuthdSections"/> as they are now) and starts it.</summary>
    public Task StartAuthdAsync()
    {
        AuthdServer.Options.Sections = AuthdSectionsText();
        return AuthdServer.StartAsync();
    }

    public async Task StopAuthdAsync()
    {
        if (_authd is not null)
        {
            await _authd.StopAsync();
        }
    }

    public async Task StartMailfilterdAsync() =>
        _mailfilterd = await DaemonProcess.StartMailfilterdAsync("inet:127.0.0.1:" + MilterPort.ToString(CultureInfo.InvariantCulture), FilterLogPath, "--config", FilterConfig);

    public async Task StopMailfilterdAsync()
    {
        if (_mailfilterd is not null)
        {
            await _mailfilterd.DisposeAsync();
            _mailfilterd = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await StopMailfilterdAsync();
        if (Postfix is not null)
        {
            await Postfix.DisposeAsync();
        }

        if (Dovecot is not null)
        {
            await Dovecot.DisposeAsync();
        }

        if (_authd is not null)
        {
            await _authd.DisposeAsync();
        }

        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }

        // MAILFILTER_LAB_KEEP=1 keeps the configuration and logs for a look after a failure.
        if (Environment.GetEnvironmentVariable("MAILFILTER_LAB_KEEP") == "1")
        {
            File.Copy(Postfix?.MaillogPath ?? "/dev/null", Path.Combine(Directory, "maillog"), overwrite: true);
            return;
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>authd's sections after [database].</summary>
    private string AuthdSectionsText() => $"""
        [discovery]
        {DiscoverySettings}
        {string.Join("\n", _peers.Select(p => $"{p.Name} = http://127.0.0.1:{p.PublicPort.ToString(CultureInfo.InvariantCulture)}"))}

        [registry]
        smtp = inet:127.0.0.1:{Postfix.SmtpPort.ToString(CultureInfo.InvariantCulture)}
        public_url = {PublicUrl}

        [attachments]
        path = {AttachmentStorePath}
        link_base_url = {PublicUrl}
        {_attachmentSettings}

        {AuthdSections}
        """;

    private Task WriteFilterConfigAsync() => File.WriteAllTextAsync(FilterConfig, $"""
        # written by the lab for {Name}
        [milter]
        listen = inet:127.0.0.1:{MilterPort.ToString(CultureInfo.InvariantCulture)}
        spool_directory = {Directory}

        [filter]
        hostname = {Hostname}
        authd_socket = {AuthdSocket}
        reinject = inet:127.0.0.1:{Postfix.SmtpPort.ToString(CultureInfo.InvariantCulture)}
        {_filterSettings}

        [policy]
        local_domains = {Name}
        trusted_networks = 127.0.0.1/32
        {_policy}

        [delivery]
        listen = inet:127.0.0.1:{LmtpPort.ToString(CultureInfo.InvariantCulture)}
        {(_store == MailDomainStore.Dovecot ? "dovecot_lmtp = " + Dovecot.LmtpEndpoint : "maildir = " + MaildirBase)}
        authserv_id = {Hostname}
        spool_directory = {Directory}
        {_deliverySettings}

        [log]
        level = {_logLevel}

        """);

    private static string ReadIfExists(string path) => File.Exists(path) ? PostfixInstance.ReadShared(path) : string.Empty;

    private static string Tail(string? text, int lines) => string.Join("\n", (text ?? string.Empty).Split('\n').TakeLast(lines));
}

/// <summary>Where a <see cref="MailDomain"/>'s delivery agent stores mail.</summary>
public enum MailDomainStore
{
    /// <summary>Handed to Dovecot over LMTP (users read it over IMAP).</summary>
    Dovecot,

    /// <summary>The agent's own Maildirs (<c>[delivery] maildir</c>); no Dovecot runs.</summary>
    Maildir,
}
