using System.Globalization;
using MailFilter.Lab;

namespace MailFilter.Bench.Milter;

/// <summary>OpenDKIM's signing key: RSA-2048 (what most domains use) or Ed25519 (RFC 8463, OpenDKIM 2.11).</summary>
internal enum DkimKey
{
    Rsa2048,
    Ed25519,
}

/// <summary>OpenDKIM (Debian package) signing for example.test, relaxed/relaxed: the reference milter peer.</summary>
internal sealed class OpenDkim : IAsyncDisposable
{
    private readonly DaemonProcess _process;

    private OpenDkim(DaemonProcess process, string spec)
    {
        _process = process;
        PostfixSpec = spec;
    }

    /// <summary>The socket in Postfix's syntax.</summary>
    public string PostfixSpec { get; }

    public int Pid => _process.Pid;

    /// <param name="socket">unix:/path or inet:127.0.0.1:port.</param>
    public static async Task<OpenDkim> StartAsync(string workDir, string socket, string name, DkimKey key = DkimKey.Rsa2048)
    {
        string keyDir = Path.Combine(workDir, "dkim-keys");
        Directory.CreateDirectory(keyDir);
        var (keyFile, selector, algorithm) = key == DkimKey.Ed25519
            ? (Path.Combine(keyDir, "ed25519.pem"), "ed", "ed25519-sha256")
            : (Path.Combine(keyDir, "bench.private"), "bench", "rsa-sha256");
        if (!File.Exists(keyFile))
        {
            // opendkim-genkey makes RSA keys only; OpenDKIM reads an Ed25519 key as PKCS#8 PEM.
            var made = key == DkimKey.Ed25519
                ? await ProcessRunner.RunAsync("/usr/bin/openssl", "genpkey", "-algorithm", "ed25519", "-out", keyFile)
                : await ProcessRunner.RunAsync("/usr/sbin/opendkim-genkey", "-b", "2048", "-d", "example.test", "-s", "bench", "-D", keyDir);
            made.EnsureSuccess("DKIM key generation");
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        // OpenDKIM's own socket syntax: local:/path or inet:port@host.
        string dkimSocket = socket.StartsWith("unix:", StringComparison.Ordinal)
            ? "local:" + socket[5..]
            : $"inet:{socket[(socket.LastIndexOf(':') + 1)..]}@127.0.0.1";
        string config = Path.Combine(workDir, $"opendkim-{name}.conf");
        File.WriteAllText(config, string.Join('\n',
            "Syslog no",
            "Mode s",
            "Domain example.test",
            $"Selector {selector}",
            $"KeyFile {keyFile}",
            "Canonicalization relaxed/relaxed",
            $"SignatureAlgorithm {algorithm}",
            "InternalHosts 127.0.0.0/8",
            "UMask 000",
            "Background no",
            $"PidFile {Path.Combine(workDir, $"opendkim-{name}.pid")}",
            $"Socket {dkimSocket}",
            string.Empty));
        var process = await DaemonProcess.StartAsync("/usr/sbin/opendkim", ["-x", config, "-f"], socket, Path.Combine(workDir, $"opendkim-{name}.log"));
        return new OpenDkim(process, socket);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    public static string Inet(int port) => "inet:127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
}
