using System.Globalization;
using System.Text;

namespace MailFilter.Lab;

/// <summary>
/// A private Postfix 3.7 instance, run as root with its own config, queue and data directories under a
/// temporary directory, listening only on 127.0.0.1 at a free port. Mail for every domain goes to the
/// instance's delivery (files or Maildirs). <see cref="DisposeAsync"/> stops it and checks that its
/// master process (by PID) is gone.
/// </summary>
public sealed class PostfixInstance : IAsyncDisposable
{
    private readonly PostfixOptions _options;
    private int? _masterPid;

    private PostfixInstance(string root, PostfixOptions options, int port)
    {
        Root = root;
        _options = options;
        SmtpPort = port;
    }

    public string Root { get; }

    /// <summary>The master process (from its pid file), while the instance runs.</summary>
    public int? MasterPid => _masterPid;

    public string ConfigDirectory => Path.Combine(Root, "conf");

    public string QueueDirectory => Path.Combine(Root, "queue");

    /// <summary>Files mode: one file per delivered (queue id, recipient); Maildir mode: the base of the
    /// single Maildir <c>all/</c>.</summary>
    public string DeliveryDirectory => Path.Combine(Root, "delivered");

    public string MaillogPath => Path.Combine(Root, "maillog");

    public int SmtpPort { get; }

    public string Maillog => File.Exists(MaillogPath) ? ReadShared(MaillogPath) : string.Empty;

    /// <summary>Reads a file Postfix may hold a lock on. Every FileStream opened by path takes a flock on Linux (a
    /// shared one for any FileShare but None), which fails while Postfix holds an exclusive lock: seen on the master's
    /// pid file during start. So the file is opened with open(2) and read through its descriptor, taking no lock.</summary>
    public static string ReadShared(string path)
    {
        int fd = Open(path, 0 /* O_RDONLY */ | 0x80000 /* O_CLOEXEC */);
        if (fd < 0)
        {
            int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            throw errno == 2 ? new FileNotFoundException($"{path}: no such file", path) : new IOException($"{path}: open failed, errno {errno}");
        }

        using var stream = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle((IntPtr)fd, ownsHandle: true), FileAccess.Read);
        return new StreamReader(stream).ReadToEnd();
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string path, int flags);

    public static async Task<PostfixInstance> StartAsync(PostfixOptions? options = null)
    {
        options ??= new PostfixOptions();
        var root = Directory.CreateTempSubdirectory("mailfilter-postfix-").FullName;
        // The pipe service runs as nobody and virtual(8) as the mailbox owner: they must reach in here.
        File.SetUnixFileMode(root, (UnixFileMode)Convert.ToInt32("755", 8));
        var instance = new PostfixInstance(root, options, FreePort.Next());
        try
        {
            await instance.WriteConfigAsync();
            await ProcessRunner.RunAsync("/usr/sbin/postfix", ["-c", instance.ConfigDirectory, "start"], timeout: TimeSpan.FromSeconds(60))
                .ContinueWith(t => t.Result.EnsureSuccess("postfix start"), TaskScheduler.Default);
            instance._masterPid = await instance.ReadMasterPidAsync();
            await instance.WaitForSmtpAsync();
            return instance;
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
    }

    /// <summary>Submits a message over SMTP.</summary>
    public Task<SmtpResult> SendAsync(string from, IReadOnlyList<string> recipients, byte[] message, CancellationToken cancellationToken = default) =>
        SmtpClientLite.SendAsync("127.0.0.1", SmtpPort, from, recipients, message, cancellationToken: cancellationToken);

    /// <summary>Submits a message over SMTP as an authenticated user (<see cref="PostfixOptions.SaslUsers"/>).</summary>
    public Task<SmtpResult> SubmitAsync((string Address, string Password) user, string from, IReadOnlyList<string> recipients, byte[] message, CancellationToken cancellationToken = default) =>
        SmtpClientLite.SendAsync("127.0.0.1", SmtpPort, from, recipients, message, auth: user, cancellationToken: cancellationToken);

    /// <summary>Submits a message through sendmail(1) (the non_smtpd_milters path).</summary>
    public Task<ProcessRunner.Result> SendmailAsync(string from, IReadOnlyList<string> recipients, byte[] message) =>
        ProcessRunner.RunAsync("/usr/sbin/sendmail", ["-C", ConfigDirectory, "-f", from, "--", .. recipients], message, TimeSpan.FromSeconds(60));

    /// <summary>Waits until at least <paramref name="count"/> deliveries exist; returns their paths.</summary>
    public async Task<IReadOnlyList<string>> WaitForDeliveriesAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var files = Deliveries();
            if (files.Count >= count)
            {
                return files;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{files.Count} of {count} deliveries after {timeout}; maillog:\n{ProcessRunner.Tail(MaillogPath, 40)}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Delivered files so far (Files mode: queueid.recipient; Maildir mode: every message in new/).</summary>
    public IReadOnlyList<string> Deliveries()
    {
        if (!Directory.Exists(DeliveryDirectory))
        {
            return [];
        }

        var files = _options.Delivery == DeliveryMode.Files
            ? Directory.GetFiles(DeliveryDirectory).Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal))
            : Directory.GetFiles(DeliveryDirectory, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(Path.GetDirectoryName(f)) == "new");
        return [.. files.Order(StringComparer.Ordinal)];
    }

    /// <summary>Changes main.cf settings and reloads.</summary>
    public async Task PostconfAsync(params string[] settings)
    {
        await ProcessRunner.RunAsync("/usr/sbin/postconf", ["-c", ConfigDirectory, "-e", .. settings]).ContinueWith(t => t.Result.EnsureSuccess("postconf"), TaskScheduler.Default);
        await ProcessRunner.RunAsync("/usr/sbin/postfix", ["-c", ConfigDirectory, "reload"]).ContinueWith(t => t.Result.EnsureSuccess("postfix reload"), TaskScheduler.Default);
    }

    /// <summary>Holds mail for <paramref name="transport"/> (e.g. lmtp, smtp) in the queue, deferred, until
    /// <see cref="ReleaseDeliveriesAsync"/>: defer_transports, then a reload.</summary>
    public Task HoldDeliveriesAsync(string transport) => PostconfAsync("defer_transports=" + transport);

    /// <summary>Delivers what <see cref="HoldDeliveriesAsync"/> held: defer_transports emptied, Postfix restarted and the
    /// deferred queue flushed. Restarted, not reloaded: during a reload the old queue manager can still move a message
    /// into the active queue as it exits, after the new one has looked there, and the message then waits for the next
    /// restart (seen on a loaded machine).</summary>
    public async Task ReleaseDeliveriesAsync()
    {
        (await ProcessRunner.RunAsync("/usr/sbin/postconf", "-c", ConfigDirectory, "-e", "defer_transports=")).EnsureSuccess("postconf");
        (await ProcessRunner.RunAsync("/usr/sbin/postfix", ["-c", ConfigDirectory, "stop"], timeout: TimeSpan.FromSeconds(60))).EnsureSuccess("postfix stop");
        if (_masterPid is int pid)
        {
            await WaitForExitAsync(pid, TimeSpan.FromSeconds(30));
        }

        (await ProcessRunner.RunAsync("/usr/sbin/postfix", ["-c", ConfigDirectory, "start"], timeout: TimeSpan.FromSeconds(60))).EnsureSuccess("postfix start");
        _masterPid = await ReadMasterPidAsync();
        await WaitForSmtpAsync();
        await FlushAsync();
    }

    /// <summary>
    /// The main.cf settings of <see cref="DeliveryMode.Maildir"/>: virtual(8) into one Maildir (DeliveryDirectory/all/)
    /// for every address of every domain (virtual refuses $n substitutions in mailbox maps, so per-address Maildirs
    /// would need a table listing each address). An instance started in another mode switches to it with
    /// <see cref="PostconfAsync"/>; with these, <c>virtual_transport</c> decides who delivers.
    /// </summary>
    public IReadOnlyList<(string Name, string Value)> VirtualMaildirSettings() =>
    [
        ("virtual_mailbox_domains", "static:all"),
        ("virtual_mailbox_base", DeliveryDirectory),
        ("virtual_mailbox_maps", "static:all/"),
        ("virtual_uid_maps", "static:65534"),
        ("virtual_gid_maps", "static:65534"),
        ("virtual_minimum_uid", "100"),
        ("virtual_mailbox_limit", "0"), // must not be below message_size_limit
        ("virtual_destination_concurrency_limit", "50"),
        ("default_transport", "virtual"),
        ("relay_transport", "virtual"),
    ];

    /// <summary>Asks the queue manager to retry deferred mail now.</summary>
    public Task FlushAsync() => ProcessRunner.RunAsync("/usr/sbin/postqueue", "-c", ConfigDirectory, "-f");

    /// <summary>Queue listing (postqueue -j), one JSON object per line.</summary>
    public async Task<string> QueueJsonAsync() => (await ProcessRunner.RunAsync("/usr/sbin/postqueue", "-c", ConfigDirectory, "-j")).Stdout;

    /// <summary>The queue ids Postfix holds now (postqueue -j), each once: showq walks the queue directories one after the
    /// other, so a message the queue manager moves from incoming to active during the walk is listed in both.</summary>
    public async Task<IReadOnlyList<string>> QueueIdsAsync()
    {
        var json = await QueueJsonAsync();
        return [.. json.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("queue_id").GetString()!).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>A queued message as postcat(1) shows it (envelope, headers, body), as bytes.</summary>
    public async Task<byte[]> PostcatAsync(string queueId)
    {
        var result = await ProcessRunner.RunAsync("/usr/sbin/postcat", ["-c", ConfigDirectory, "-q", queueId]);
        result.EnsureSuccess("postcat");
        return result.StdoutBytes;
    }

    public async ValueTask DisposeAsync()
    {
        if (Directory.Exists(ConfigDirectory))
        {
            try
            {
                await ProcessRunner.RunAsync("/usr/sbin/postfix", ["-c", ConfigDirectory, "stop"], timeout: TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException)
            {
            }
        }

        if (_masterPid is int pid)
        {
            await WaitForExitAsync(pid, TimeSpan.FromSeconds(15));
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task WriteConfigAsync()
    {
        Directory.CreateDirectory(ConfigDirectory);
        Directory.CreateDirectory(QueueDirectory);
        var data = Directory.CreateDirectory(Path.Combine(Root, "data")).FullName;
        await ProcessRunner.RunAsync("/bin/chown", "postfix", data);
        Directory.CreateDirectory(DeliveryDirectory);
        File.SetUnixFileMode(DeliveryDirectory, (UnixFileMode)Convert.ToInt32("1777", 8));

        var main = new Dictionary<string, string>
        {
            ["compatibility_level"] = "3.6",
            ["queue_directory"] = QueueDirectory,
            ["data_directory"] = data,
            ["meta_directory"] = "/etc/postfix",
            ["myhostname"] = _options.Hostname,
            ["mydomain"] = _options.Domain,
            ["myorigin"] = _options.Domain,
            ["mydestination"] = string.Empty,
            ["inet_interfaces"] = "127.0.0.1",
            ["inet_protocols"] = "ipv4",
            ["mynetworks"] = "127.0.0.0/8",
            ["smtpd_relay_restrictions"] = "permit_mynetworks, reject",
            ["alias_maps"] = string.Empty,
            ["alias_database"] = string.Empty,
            ["local_recipient_maps"] = string.Empty,
            ["maillog_file"] = MaillogPath,
            ["maillog_file_prefixes"] = Root,
            ["syslog_name"] = "postfix-lab-" + SmtpPort.ToString(CultureInfo.InvariantCulture),
            ["biff"] = "no",
            ["smtputf8_enable"] = "yes",
            ["message_size_limit"] = "209715200",
            ["mailbox_size_limit"] = "0",
            ["smtpd_milters"] = _options.SmtpdMilters,
            ["non_smtpd_milters"] = _options.NonSmtpdMilters,
            ["milter_default_action"] = _options.MilterDefaultAction,
            ["smtpd_client_connection_count_limit"] = "0",
            ["smtpd_client_connection_rate_limit"] = "0",
            ["smtpd_client_message_rate_limit"] = "0",
            ["anvil_rate_time_unit"] = "60s",
            ["queue_run_delay"] = "2s",
            ["minimal_backoff_time"] = "2s",
            ["maximal_backoff_time"] = "4s",
            ["default_process_limit"] = Math.Max(100, _options.SmtpdProcessLimit).ToString(CultureInfo.InvariantCulture),
        };
        if (_options.SaslUsers.Count > 0)
        {
            await WriteSaslDatabaseAsync(main);
        }

        if (_options.Delivery == DeliveryMode.Files)
        {
            main["default_transport"] = "dump";
            main["dump_destination_recipient_limit"] = "1";
            main["dump_destination_concurrency_limit"] = "50";
        }
        else if (_options.Delivery == DeliveryMode.Lmtp)
        {
            // lmtp(8) to the delivery agent for every domain; XFORWARD gives it the queue id for its log lines.
            string destination = _options.LmtpDestination ?? throw new InvalidOperationException("DeliveryMode.Lmtp needs LmtpDestination");
            main["default_transport"] = "lmtp:" + destination;
            main["relay_transport"] = "lmtp:" + destination;
            main["lmtp_send_xforward_command"] = "yes";
            main["lmtp_destination_recipient_limit"] = "50";
        }
        else
        {
            foreach (var (k, v) in VirtualMaildirSettings())
            {
                main[k] = v;
            }
        }

        foreach (var (k, v) in _options.MainCf)
        {
            main[k] = v;
        }

        await File.WriteAllTextAsync(Path.Combine(ConfigDirectory, "main.cf"), string.Concat(main.Select(kv => $"{kv.Key} = {kv.Value}\n")));

        var deliver = Path.Combine(Root, "deliver.sh");
        await File.WriteAllTextAsync(deliver, $"""
            #!/bin/sh
            # pipe(8) delivery for the lab: the message exactly as Postfix hands it over, one file per recipient.
            f="{DeliveryDirectory}/$1.$2"
            cat > "$f.tmp" && mv "$f.tmp" "$f"

            """);
        File.SetUnixFileMode(deliver, (UnixFileMode)Convert.ToInt32("755", 8));

        string limit = _options.SmtpdProcessLimit.ToString(CultureInfo.InvariantCulture);
        var master = new StringBuilder();
        master.Append(CultureInfo.InvariantCulture, $"127.0.0.1:{SmtpPort} inet n - n - {limit} smtpd\n");
        master.Append("""
            pickup    unix  n       -       n       60      1       pickup
            cleanup   unix  n       -       n       -       0       cleanup
            qmgr      unix  n       -       n       300     1       qmgr
            rewrite   unix  -       -       n       -       -       trivial-rewrite
            bounce    unix  -       -       n       -       0       bounce
            defer     unix  -       -       n       -       0       bounce
            trace     unix  -       -       n       -       0       bounce
            verify    unix  -       -       n       -       1       verify
            flush     unix  n       -       n       1000?   0       flush
            proxymap  unix  -       -       n       -       -       proxymap
            smtp      unix  -       -       n       -       -       smtp
            relay     unix  -       -       n       -       -       smtp
            showq     unix  n       -       n       -       -       showq
            error     unix  -       -       n       -       -       error
            retry     unix  -       -       n       -       -       error
            discard   unix  -       -       n       -       -       discard
            lmtp      unix  -       -       n       -       -       lmtp
            anvil     unix  -       -       n       -       1       anvil
            scache    unix  -       -       n       -       1       scache
            postlog   unix-dgram n  -       n       -       1       postlogd
            virtual   unix  -       n       n       -       -       virtual

            """);
        master.Append(CultureInfo.InvariantCulture, $"dump      unix  -       n       n       -       -       pipe\n  flags= user=nobody argv={deliver} ${{queue_id}} ${{recipient}}\n");
        await File.WriteAllTextAsync(Path.Combine(ConfigDirectory, "master.cf"), master.ToString());
    }

    /// <summary>Cyrus SASL for smtpd: a sasldb with the users, readable by the postfix user that smtpd runs as.
    /// Debian's Postfix reads smtpd.conf from $config_directory/sasl (it ignores cyrus_sasl_config_path).</summary>
    private async Task WriteSaslDatabaseAsync(Dictionary<string, string> main)
    {
        var sasl = Directory.CreateDirectory(Path.Combine(ConfigDirectory, "sasl")).FullName;
        var db = Path.Combine(sasl, "sasldb2");
        await File.WriteAllTextAsync(Path.Combine(sasl, "smtpd.conf"), $"pwcheck_method: auxprop\nauxprop_plugin: sasldb\nmech_list: PLAIN LOGIN\nsasldb_path: {db}\n");
        foreach (var (address, password) in _options.SaslUsers)
        {
            int at = address.IndexOf('@', StringComparison.Ordinal);
            (await ProcessRunner.RunAsync("/usr/sbin/saslpasswd2", ["-p", "-c", "-f", db, "-u", address[(at + 1)..], address[..at]], Encoding.ASCII.GetBytes(password + "\n")))
                .EnsureSuccess("saslpasswd2");
        }

        (await ProcessRunner.RunAsync("/bin/chown", "postfix", db)).EnsureSuccess("chown sasldb");
        main["cyrus_sasl_config_path"] = sasl;
        main["smtpd_sasl_auth_enable"] = "yes";
        main["smtpd_sasl_type"] = "cyrus";
        main["smtpd_sasl_path"] = "smtpd";
        main["smtpd_sasl_security_options"] = "noanonymous";
        main["smtpd_relay_restrictions"] = "permit_mynetworks, permit_sasl_authenticated, reject";
    }

    private async Task<int?> ReadMasterPidAsync()
    {
        var pidFile = Path.Combine(QueueDirectory, "pid", "master.pid");
        for (int i = 0; i < 100; i++)
        {
            if (File.Exists(pidFile) && int.TryParse(ReadShared(pidFile).Trim(), out int pid))
            {
                return pid;
            }

            await Task.Delay(50);
        }

        return null;
    }

    private async Task WaitForSmtpAsync()
    {
        for (int i = 0; i < 100; i++)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync("127.0.0.1", SmtpPort);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"Postfix did not listen on 127.0.0.1:{SmtpPort}; maillog:\n{ProcessRunner.Tail(MaillogPath, 20)}");
    }

    private static async Task WaitForExitAsync(int pid, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Directory.Exists($"/proc/{pid}") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        if (Directory.Exists($"/proc/{pid}"))
        {
            // The master we started did not stop: kill it by PID (never by name).
            await ProcessRunner.RunAsync("/bin/kill", "-9", pid.ToString(CultureInfo.InvariantCulture));
        }
    }
}
