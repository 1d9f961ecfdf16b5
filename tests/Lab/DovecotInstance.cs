using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MailFilter.Lab;

/// <summary>
/// A private Dovecot 2.3 (Debian dovecot-core, dovecot-lmtpd, dovecot-imapd): its own config, base_dir and state
/// under a temporary directory, LMTP and IMAP on 127.0.0.1 at free ports, users in a passwd-file (so an address not
/// listed is refused at RCPT with 550 5.1.1), mail in Maildirs under the directory, owned by nobody. Run in the
/// foreground as a child process and stopped by its PID. <see cref="FetchAsync"/> reads a mailbox with Python's
/// imaplib, an independent IMAP client.
/// </summary>
public sealed class DovecotInstance : IAsyncDisposable
{
    private const int MailUid = 65534; // nobody: Dovecot refuses to deliver as root
    private readonly Process _process;

    private DovecotInstance(string root, int lmtpPort, int imapPort, Process process)
    {
        Root = root;
        LmtpPort = lmtpPort;
        ImapPort = imapPort;
        _process = process;
    }

    public string Root { get; }

    public int LmtpPort { get; }

    public int ImapPort { get; }

    /// <summary>Dovecot's LMTP in the syntax of <c>[delivery] dovecot_lmtp</c>.</summary>
    public string LmtpEndpoint => "inet:127.0.0.1:" + LmtpPort.ToString(CultureInfo.InvariantCulture);

    public string LogPath => Path.Combine(Root, "dovecot.log");

    public string Log => File.Exists(LogPath) ? PostfixInstance.ReadShared(LogPath) : string.Empty;

    public int Pid => _process.Id;

    /// <summary>Starts Dovecot with these users (address, password) and waits until LMTP and IMAP accept connections.</summary>
    public static async Task<DovecotInstance> StartAsync(IEnumerable<(string Address, string Password)> users)
    {
        if (!File.Exists("/usr/sbin/dovecot") || !File.Exists("/usr/lib/dovecot/lmtp") || !File.Exists("/usr/lib/dovecot/imap"))
        {
            throw new InvalidOperationException("Dovecot is not installed: dovecot-core, dovecot-lmtpd and dovecot-imapd are in scripts/deps.sh");
        }

        var root = Directory.CreateTempSubdirectory("mailfilter-dovecot-").FullName;
        File.SetUnixFileMode(root, (UnixFileMode)Convert.ToInt32("755", 8));
        int lmtp = FreePort.Next();
        int imap = FreePort.Next();
        var mail = Directory.CreateDirectory(Path.Combine(root, "mail")).FullName;
        await ProcessRunner.RunAsync("/bin/chown", $"{MailUid}:{MailUid}", mail);
        await File.WriteAllLinesAsync(Path.Combine(root, "users"), users.Select(u =>
            $"{u.Address}:{{PLAIN}}{u.Password}:{MailUid}:{MailUid}::{mail}/{u.Address.Split('@')[1]}/{u.Address.Split('@')[0]}::"));
        await File.WriteAllTextAsync(Path.Combine(root, "dovecot.conf"), Config(root, lmtp, imap));

        var psi = new ProcessStartInfo("/usr/sbin/dovecot") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-F", "-c", Path.Combine(root, "dovecot.conf") })
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start dovecot");
        var instance = new DovecotInstance(root, lmtp, imap, process);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await DaemonProcess.CanConnectAsync(instance.LmtpEndpoint) || !await DaemonProcess.CanConnectAsync($"inet:127.0.0.1:{imap}"))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                string why = process.HasExited ? await process.StandardError.ReadToEndAsync() : "timeout";
                await instance.DisposeAsync();
                throw new InvalidOperationException($"dovecot did not come up ({why}): {instance.Log}");
            }

            await Task.Delay(50);
        }

        return instance;
    }

    /// <summary>Every message in the user's INBOX (or <paramref name="folder"/>; none when it does not exist), as IMAP
    /// returns them (RFC822), read with Python's imaplib.</summary>
    public async Task<IReadOnlyList<byte[]>> FetchAsync(string address, string password, string folder = "INBOX")
    {
        const string script = """
            import base64, imaplib, json, sys
            m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
            m.login(sys.argv[2], sys.argv[3])
            typ, _ = m.select(sys.argv[4], readonly=True)
            out = []
            typ, data = m.search(None, "ALL") if typ == "OK" else (typ, [b""])
            for num in data[0].split():
                typ, parts = m.fetch(num, "(RFC822)")
                out.append(base64.b64encode(parts[0][1]).decode())
            m.logout()
            print(json.dumps(out))
            """;
        var result = await ProcessRunner.RunAsync("/usr/bin/python3", ["-c", script, ImapPort.ToString(CultureInfo.InvariantCulture), address, password, folder]);
        result.EnsureSuccess("imaplib fetch");
        return JsonSerializer.Deserialize<List<string>>(result.Stdout)!.Select(Convert.FromBase64String).ToList();
    }

    /// <summary>Waits until the user's INBOX holds at least <paramref name="count"/> messages; returns them.</summary>
    public async Task<IReadOnlyList<byte[]>> WaitForMessagesAsync(string address, string password, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var messages = await FetchAsync(address, password);
            if (messages.Count >= count || DateTime.UtcNow > deadline)
            {
                return messages;
            }

            await Task.Delay(250);
        }
    }

    /// <summary>The message with this Message-ID in the user's INBOX (or <paramref name="folder"/>), waiting up to
    /// <paramref name="wait"/> for it; null if it did not arrive. A message there twice is an error (nothing may arrive
    /// more than once).</summary>
    public async Task<byte[]?> FindAsync(string address, string password, string messageId, TimeSpan wait, string folder = "INBOX")
    {
        var deadline = DateTime.UtcNow + wait;
        var marker = Encoding.ASCII.GetBytes($"Message-ID: <{messageId}>");
        while (true)
        {
            var found = (await FetchAsync(address, password, folder)).Where(m => m.AsSpan().IndexOf(marker) >= 0).ToList();
            if (found.Count > 0 || DateTime.UtcNow > deadline)
            {
                return found.Count switch
                {
                    0 => null,
                    1 => found[0],
                    _ => throw new InvalidOperationException($"{messageId} arrived {found.Count} times for {address}"),
                };
            }

            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await ProcessRunner.RunAsync("/bin/kill", "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture));
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true); // by PID: the master we started and its children
            }
        }

        _process.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string Config(string root, int lmtp, int imap) => $$"""
        # written by the lab: a private Dovecot on loopback
        protocols = imap lmtp
        listen = 127.0.0.1
        base_dir = {{root}}/run
        state_dir = {{root}}/state
        log_path = {{root}}/dovecot.log
        ssl = no
        disable_plaintext_auth = no
        auth_mechanisms = plain
        mail_location = maildir:~/Maildir
        first_valid_uid = 1
        # As docs/configuration.md asks for [delivery] registry_failure = quarantine: bob+Quarantine@ is bob's folder.
        recipient_delimiter = +
        lmtp_save_to_detail_mailbox = yes
        lda_mailbox_autocreate = yes
        passdb {
          driver = passwd-file
          args = scheme=PLAIN username_format=%u {{root}}/users
        }
        userdb {
          driver = passwd-file
          args = username_format=%u {{root}}/users
        }
        service imap-login {
          inet_listener imap {
            address = 127.0.0.1
            port = {{imap.ToString(CultureInfo.InvariantCulture)}}
          }
          inet_listener imaps {
            port = 0
          }
        }
        service pop3-login {
          inet_listener pop3 {
            port = 0
          }
        }
        service lmtp {
          inet_listener lmtp {
            address = 127.0.0.1
            port = {{lmtp.ToString(CultureInfo.InvariantCulture)}}
          }
        }

        """;
}
