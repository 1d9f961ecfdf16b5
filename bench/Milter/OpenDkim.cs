using System.Globalization;
using MailFilter.Lab;

namespace MailFilter.Bench.Milter;

/// <summary>OpenDKIM (Debian package) signing with an RSA-2048 key: the reference milter peer.</summary>
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
    public static async Task<OpenDkim> StartAsync(string workDir, string socket, string name)
    {
        string keyDir = Path.Combine(workDir, "dkim-keys");
        if (!File.Exists(Path.Combine(keyDir, "bench.private")))
        {
            Directory.CreateDirectory(keyDir);
            (await ProcessRunner.RunAsync("/usr/sbin/opendkim-genkey", "-b", "2048", "-d", "example.test", "-s", "bench", "-D", keyDir)).EnsureSuccess("opendkim-genkey");
            File.SetUnixFileMode(Path.Combine(keyDir, "bench.private"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
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
            "Selector bench",
            $"KeyFile {Path.Combine(keyDir, "bench.private")}",
            "Canonicalization relaxed/relaxed",
            "SignatureAlgorithm rsa-sha256",
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
