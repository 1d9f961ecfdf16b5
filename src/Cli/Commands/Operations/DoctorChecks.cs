using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using MailFilter.AuthClient;

namespace MailFilter.Cli.Commands.Operations;

/// <summary>
/// The checks of <c>mailfilterctl doctor</c>, each on its own and constructible in a test: given the settings (and
/// Postfix's), each returns what it found and what to fix. Nothing here changes anything.
/// </summary>
internal static class DoctorChecks
{
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>The milter socket against smtpd's chroot, main.cf naming it, and whether postfix:postfix (Postfix
    /// drops supplementary groups) may connect.</summary>
    public static async Task<IEnumerable<Finding>> MilterSocketAsync(ConfFile conf, Postconf postconf, CancellationToken ct)
    {
        var findings = new List<Finding>();
        var current = await postconf.GetAsync(PostfixPlan.Names, ct);
        string queue = current.GetValueOrDefault("queue_directory", "/var/spool/postfix");
        bool chrooted = await postconf.SmtpdChrootedAsync(ct);
        var (ours, spec, problem) = PostfixPlan.MilterSpec(conf, queue, chrooted);
        if (problem is not null)
        {
            findings.Add(Finding.Problem("socket-chroot", problem, $"set [milter] listen = unix:{queue.TrimEnd('/')}/mailfilter/milter.sock, then mailfilterctl postfix-setup --apply"));
        }
        else
        {
            findings.Add(Finding.Ok("socket-chroot", $"{ours} is reachable from smtpd{(chrooted ? $" (chrooted in {queue})" : string.Empty)}"));
        }

        if (!MilterList.Parse(current.GetValueOrDefault("smtpd_milters", string.Empty)).Any(e => MilterList.IsOurs(e, ours, queue)))
        {
            findings.Add(Finding.Problem("milter-wired", $"smtpd_milters in {postconf.Describe} does not name mailfilterd ({spec}): outbound mail is not signed or encrypted",
                "mailfilterctl postfix-setup --apply"));
        }

        if (ours.StartsWith("unix:", StringComparison.Ordinal) && File.Exists(ours["unix:".Length..]))
        {
            findings.Add(SocketAccess(ours["unix:".Length..]));
        }

        bool lmtpChrooted = await postconf.GetServiceFieldAsync("lmtp/unix/chroot", ct) is "y";
        if (PostfixPlan.LmtpSpec(conf, queue, lmtpChrooted) is var (lmtp, lmtpSpec, lmtpProblem))
        {
            findings.Add(lmtpProblem is null
                ? Finding.Ok("lmtp-chroot", $"{lmtp} is reachable from lmtp(8)")
                : Finding.Problem("lmtp-chroot", lmtpProblem, $"set [delivery] listen = unix:{queue.TrimEnd('/')}/mailfilter/lmtp.sock, then mailfilterctl postfix-setup --apply"));
            string transport = current.GetValueOrDefault("virtual_transport", "virtual");
            if (lmtpProblem is null && transport != "lmtp:" + lmtpSpec)
            {
                findings.Add(Finding.Warning("lmtp-wired", $"virtual_transport = {transport}, not mailfilterd's delivery agent (lmtp:{lmtpSpec}): inbound mail is not decrypted (fine if local_transport or a transport map names it)",
                    "mailfilterctl postfix-setup --apply"));
            }

            if (lmtp.StartsWith("unix:", StringComparison.Ordinal) && File.Exists(lmtp["unix:".Length..]))
            {
                findings.Add(SocketAccess(lmtp["unix:".Length..]));
            }
        }

        return findings;
    }

    /// <summary>Whether uid postfix with only gid postfix may connect to <paramref name="path"/>: search permission on
    /// every directory above it, write permission on the socket.</summary>
    public static Finding SocketAccess(string path)
    {
        if (!UnixAccounts.TryUser("postfix", out int uid, out int gid))
        {
            return Finding.Warning("socket-permissions", "no user postfix on this host: cannot check who may reach the socket");
        }

        for (var dir = Path.GetDirectoryName(path); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            if (!UnixAccounts.Allows(dir, uid, gid, UnixFileMode.UserExecute, UnixFileMode.GroupExecute, UnixFileMode.OtherExecute))
            {
                return Finding.Problem("socket-permissions", $"postfix (uid {uid}, gid {gid}: Postfix drops supplementary groups) cannot enter {dir}, so smtpd cannot reach {path}",
                    $"chgrp postfix {dir} && chmod g+x {dir} (the package makes /var/spool/postfix/mailfilter mailfilter:postfix 0750)");
            }
        }

        if (!UnixAccounts.Allows(path, uid, gid, UnixFileMode.UserWrite, UnixFileMode.GroupWrite, UnixFileMode.OtherWrite))
        {
            return Finding.Problem("socket-permissions", $"postfix (uid {uid}, gid {gid}) may not write to the socket {path}",
                "set [milter] socket_group = postfix and socket_mode = 0660 (mailfilterd must be in group postfix: the unit's SupplementaryGroups=postfix)");
        }

        return Finding.Ok("socket-permissions", $"postfix may connect to {path}");
    }

    /// <summary>mailfilterd before every DKIM signer in both milter lists.</summary>
    public static async Task<IEnumerable<Finding>> MilterOrderAsync(ConfFile conf, Postconf postconf, IReadOnlyCollection<string> signers, CancellationToken ct)
    {
        var current = await postconf.GetAsync(PostfixPlan.Names, ct);
        string queue = current.GetValueOrDefault("queue_directory", "/var/spool/postfix");
        var (ours, _, _) = PostfixPlan.MilterSpec(conf, queue, chrooted: false);
        var findings = new List<Finding>();
        foreach (var name in (string[])["smtpd_milters", "non_smtpd_milters"])
        {
            var list = MilterList.Parse(current.GetValueOrDefault(name, string.Empty));
            int mine = list.FindIndex(e => MilterList.IsOurs(e, ours, queue));
            int signer = list.FindIndex(e => MilterList.IsDkimSigner(e, signers, queue));
            if (mine >= 0 && signer >= 0 && signer < mine)
            {
                findings.Add(Finding.Problem("milter-order", $"{name} = {MilterList.Format(list)}: the DKIM signer {list[signer]} comes before mailfilterd, so its signature covers a message mailfilterd then rewrites (it fails at the recipient)",
                    "mailfilterctl postfix-setup --apply (puts mailfilterd before the signer)"));
            }
            else if (mine >= 0)
            {
                findings.Add(Finding.Ok("milter-order", $"{name}: mailfilterd {(signer >= 0 ? "before the DKIM signer" : "listed")}"));
            }
        }

        return findings;
    }

    /// <summary>message_size_limit against the envelope overhead, and mailfilterd's own limits against it.</summary>
    public static async Task<IEnumerable<Finding>> MessageSizeAsync(ConfFile conf, Postconf postconf, CancellationToken ct)
    {
        var current = await postconf.GetAsync(["message_size_limit"], ct);
        var findings = new List<Finding>();
        if (!long.TryParse(current.GetValueOrDefault("message_size_limit", "10240000"), NumberStyles.None, CultureInfo.InvariantCulture, out long limit))
        {
            return findings;
        }

        if (MessageSize.TooSmall(limit))
        {
            findings.Add(Finding.Problem("message-size",
                $"message_size_limit = {limit} ({MessageSize.Mb(limit)}) is too small: encryption adds about 37 % (base64 and the envelope), so a {MessageSize.Mb(MessageSize.ExpectedMessage)} message becomes {MessageSize.Mb(MessageSize.Minimum)}; its Bcc copies are refused when re-injected, and so is it by peers with the same limit",
                $"postconf -e message_size_limit={MessageSize.Recommended.ToString(CultureInfo.InvariantCulture)} (at least {MessageSize.Minimum.ToString(CultureInfo.InvariantCulture)})"));
        }
        else
        {
            findings.Add(Finding.Ok("message-size", limit == 0 ? "message_size_limit = 0 (unlimited)" : $"message_size_limit = {limit} leaves room for the envelope"));
        }

        foreach (var section in (string[])["milter", "delivery"])
        {
            if (conf.Get(section, "max_message_size") is { } text && TryParseSize(text, out long max) && limit != 0 && max < limit)
            {
                findings.Add(Finding.Problem("message-size", $"[{section}] max_message_size = {text} ({conf.Where(section, "max_message_size")}) is below Postfix's message_size_limit = {limit}: mail Postfix accepts is refused",
                    $"raise [{section}] max_message_size to at least {limit}"));
            }
        }

        return findings;
    }

    /// <summary>The database answers and has every migration of this build (mailfilter-authd --schema-status).</summary>
    public static async Task<Finding> DatabaseAsync(string authd, string configPath, ConfFile conf, CancellationToken ct)
    {
        // Peer authentication over the unix socket: ask as the database user, as the daemon does.
        string dbUser = conf.Get("database", "user", "mailfilter");
        string? asUser = Environment.UserName == "root" && conf.Get("database", "host", "/var/run/postgresql").StartsWith('/')
            && dbUser != "root" && UnixAccounts.TryUser(dbUser, out _, out _) ? dbUser : null;
        var result = await ProgramLocator.RunAsync(authd, ["--config", configPath, "--schema-status", "--json"], asUser, ct);
        if (result.ExitCode is 0 or 1 && result.Stdout.Length > 0)
        {
            using var doc = JsonDocument.Parse(result.Stdout);
            var root = doc.RootElement;
            int current = root.GetProperty("current").GetInt32(), latest = root.GetProperty("latest").GetInt32();
            var pending = root.GetProperty("pending").EnumerateArray()
                .Select(m => $"{m.GetProperty("version").GetInt32().ToString("D4", CultureInfo.InvariantCulture)}_{m.GetProperty("name").GetString()}").ToList();
            return pending.Count == 0
                ? Finding.Ok("database", $"database {root.GetProperty("database").GetString()} reachable, schema {current} of {latest}")
                : Finding.Problem("migrations", $"database {root.GetProperty("database").GetString()} is at schema {current} of {latest}: migration{(pending.Count == 1 ? string.Empty : "s")} {string.Join(", ", pending)} not applied",
                    "mailfilterctl db migrate (or restart mailfilter-authd with [database] migrate_on_start = yes)");
        }

        string message = result.Stderr.Replace("mailfilter-authd: ", string.Empty, StringComparison.Ordinal).Trim();
        return Finding.Problem("database", $"the database does not answer: {message}",
            "start PostgreSQL, or fix [database] in " + conf.Where("database", null) + " (README.Debian: a remote database)");
    }

    /// <summary>The master key exists and only its owner can read it.</summary>
    public static Finding MasterKey(ConfFile conf)
    {
        string path = conf.Get("authd", "master_key", "/etc/mailfilter/master.key");
        if (!File.Exists(path))
        {
            return Finding.Problem("master-key", $"the master key {path} does not exist: mailfilter-authd cannot open any private key",
                "restore it from your backup; on a new installation: mailfilter-authd --create-master-key");
        }

        var mode = File.GetUnixFileMode(path);
        if ((mode & GroupOrOther) != 0)
        {
            string who = (mode & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0 ? "world-readable" : "readable by its group";
            return Finding.Problem("master-key", $"the master key {path} is {who} (mode {Convert.ToString((int)mode, 8).PadLeft(4, '0')}): anyone who reads it opens every private key, and mailfilter-authd refuses to start",
                $"chmod 0600 {path}; then consider every key exposed: rotate them (mailfilterctl keys rotate)");
        }

        return Finding.Ok("master-key", $"{path} is mode {Convert.ToString((int)mode, 8).PadLeft(4, '0')}");
    }

    /// <summary>Current keys that expire within 30 days, or have (mailfilter-authd's admin API).</summary>
    public static async Task<Finding> KeyExpiryAsync(string socket, TimeProvider time, CancellationToken ct)
    {
        try
        {
            using var client = new AuthdClient(new AuthdClientOptions { SocketPath = socket });
            var keys = await client.ListKeysAsync(cancellationToken: ct);
            var now = time.GetUtcNow();
            var newest = keys.Where(k => k.RevokedAt is null).GroupBy(k => (k.Address, k.Use)).Select(g => g.MaxBy(k => k.NotBefore)!).ToList();
            var expired = newest.Where(k => k.NotAfter is { } end && end <= now).ToList();
            var soon = newest.Where(k => k.NotAfter is { } end && end > now && end <= now.AddDays(30)).ToList();
            if (expired.Count > 0)
            {
                return Finding.Problem("key-expiry", $"{expired.Count} address{(expired.Count == 1 ? " has" : "es have")} no valid key: {string.Join(", ", expired.Take(5).Select(k => $"{k.Address} ({k.Use})"))}",
                    "mailfilterctl keys rotate ADDRESS");
            }

            return soon.Count > 0
                ? Finding.Warning("key-expiry", $"{soon.Count} key{(soon.Count == 1 ? string.Empty : "s")} expire within 30 days: {string.Join(", ", soon.Take(5).Select(k => $"{k.Address} ({k.Use}, {k.NotAfter:yyyy-MM-dd})"))}", "mailfilterctl keys rotate ADDRESS")
                : Finding.Ok("key-expiry", $"{newest.Count} current keys, none expiring within 30 days");
        }
        catch (Exception e) when (e is AuthdException or IOException or SocketException or HttpRequestException or TaskCanceledException)
        {
            return Finding.Warning("key-expiry", $"mailfilter-authd does not answer on {socket} ({e.Message}): key expiry not checked", "systemctl status mailfilter-authd");
        }
    }

    /// <summary>Signatures and confirmation numbers carry times that peers check within minutes: the clock must be synchronized.</summary>
    public static async Task<Finding> ClockAsync(CancellationToken ct)
    {
        if (File.Exists("/usr/bin/timedatectl"))
        {
            var result = await ProgramLocator.RunAsync("/usr/bin/timedatectl", ["show", "-p", "NTPSynchronized", "--value"], cancellationToken: ct);
            if (result.ExitCode == 0)
            {
                return result.Stdout.Trim() == "yes"
                    ? Finding.Ok("clock", "the clock is synchronized (NTP)")
                    : Finding.Warning("clock", "the clock is not synchronized: signatures are checked against a 15-minute skew", "apt install systemd-timesyncd (or chrony)");
            }
        }

        return File.Exists("/run/systemd/timesync/synchronized")
            ? Finding.Ok("clock", "the clock is synchronized (systemd-timesyncd)")
            : Finding.Warning("clock", "cannot tell whether the clock is synchronized (no timedatectl answer): signatures are checked against a 15-minute skew", "run an NTP client (systemd-timesyncd or chrony)");
    }

    /// <summary>The public listener: plain HTTP must stay on loopback; the TLS certificate in front of it must be
    /// valid for a while yet.</summary>
    public static async Task<Finding> PublicListenerAsync(ConfFile conf, Uri? publicUrl, TimeProvider time, CancellationToken ct)
    {
        var listen = ConfFile.Endpoints(conf.Get("authd", "public_listen", "127.0.0.1:8893"));
        var exposed = listen.Where(e => !(e.StartsWith("127.", StringComparison.Ordinal) || e.StartsWith("[::1]", StringComparison.Ordinal) || e.StartsWith("localhost:", StringComparison.Ordinal))).ToList();
        if (exposed.Count > 0)
        {
            return Finding.Problem("certificate", $"[authd] public_listen = {string.Join(", ", exposed)} ({conf.Where("authd", "public_listen")}) serves plain HTTP beyond loopback: keys fetched in the clear can be swapped",
                "listen on 127.0.0.1 and put a TLS reverse proxy in front");
        }

        if (publicUrl is null || publicUrl.Scheme != Uri.UriSchemeHttps)
        {
            return Finding.Ok("certificate", listen.Count == 0 ? "no public listener" : $"public listener on loopback ({string.Join(", ", listen)}); give --public-url https://... to check the proxy's certificate");
        }

        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(publicUrl.Host, publicUrl.Port, ct);
            X509Certificate2? certificate = null;
            SslPolicyErrors errors = SslPolicyErrors.None;
            await using var ssl = new SslStream(tcp.GetStream(), false, (_, cert, _, e) =>
            {
                certificate = cert is null ? null : new X509Certificate2(cert);
                errors = e;
                return true;
            });
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = publicUrl.Host }, ct);
            using (certificate)
            {
                if (certificate is null || errors != SslPolicyErrors.None)
                {
                    return Finding.Problem("certificate", $"{publicUrl}: the certificate is not valid ({errors})", "renew it for " + publicUrl.Host);
                }

                var left = certificate.NotAfter.ToUniversalTime() - time.GetUtcNow().UtcDateTime;
                return left < TimeSpan.FromDays(14)
                    ? Finding.Warning("certificate", $"{publicUrl}: the certificate expires {certificate.NotAfter:yyyy-MM-dd}", "renew it (peers stop discovering keys when it expires)")
                    : Finding.Ok("certificate", $"{publicUrl}: certificate valid until {certificate.NotAfter:yyyy-MM-dd}");
            }
        }
        catch (Exception e) when (e is SocketException or IOException or System.Security.Authentication.AuthenticationException)
        {
            return Finding.Problem("certificate", $"{publicUrl}: no TLS answer ({e.Message})", "check the reverse proxy in front of mailfilter-authd's public listener");
        }
    }

    private static bool TryParseSize(string text, out long bytes)
    {
        text = text.Trim();
        long factor = text.Length > 0 ? char.ToUpperInvariant(text[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, _ => 1 } : 1;
        bool ok = long.TryParse(factor == 1 ? text : text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out long n);
        bytes = n * factor;
        return ok;
    }
}
