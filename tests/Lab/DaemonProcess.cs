using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace MailFilter.Lab;

/// <summary>
/// One of the project's daemons (mailfilterd, mailfilter-authd) run as a real process from the build
/// output, its output captured to a log file. Stopped with SIGTERM by PID; killed by PID if it hangs.
/// </summary>
public sealed class DaemonProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task _pump;

    private DaemonProcess(Process process, string logPath, Task pump)
    {
        _process = process;
        LogPath = logPath;
        _pump = pump;
    }

    public string LogPath { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Log
    {
        get
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new StreamReader(stream).ReadToEnd();
        }
    }

    /// <summary>Starts <c>mailfilterd</c> with the given arguments and waits until it says READY=1 (sd_notify, as systemd
    /// would see it: every listener bound) and <paramref name="readyEndpoint"/> (unix:/path or inet:host:port) accepts
    /// connections.</summary>
    public static Task<DaemonProcess> StartMailfilterdAsync(string readyEndpoint, string logPath, params string[] args) =>
        StartAsync(Repo.BuildOutput("src/Filter", "mailfilterd"), args, readyEndpoint, logPath, notifyReady: true);

    /// <summary>Starts <c>mailfilter-authd</c> like <see cref="StartMailfilterdAsync"/>; <paramref name="readyEndpoint"/> is
    /// its API socket, unix:/path.</summary>
    public static Task<DaemonProcess> StartAuthdAsync(string readyEndpoint, string logPath, params string[] args) =>
        StartAsync(AuthdInstance.Binary, args, readyEndpoint, logPath, notifyReady: true);

    /// <param name="notifyReady">The program speaks sd_notify: give it a $NOTIFY_SOCKET and wait for READY=1 too.</param>
    public static async Task<DaemonProcess> StartAsync(string executable, IEnumerable<string> args, string readyEndpoint, string logPath, bool notifyReady = false)
    {
        var psi = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        string notifyPath = Path.Combine(Path.GetTempPath(), $"mailfilter-notify-{Guid.NewGuid():N}.sock");
        using var notify = notifyReady ? new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified) : null;
        if (notify is not null)
        {
            notify.Bind(new UnixDomainSocketEndPoint(notifyPath));
            psi.Environment["NOTIFY_SOCKET"] = notifyPath;
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {executable}");
        // Unbuffered (bufferSize 1): tests read the log while the daemon runs.
        var log = new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 1);
        var pump = Task.WhenAll(process.StandardOutput.BaseStream.CopyToAsync(log), process.StandardError.BaseStream.CopyToAsync(log))
            .ContinueWith(_ => log.Dispose(), TaskScheduler.Default);
        var daemon = new DaemonProcess(process, logPath, pump);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        try
        {
            // Later notifications (STATUS, STOPPING) find no socket: sd_notify is advisory and the daemons ignore that.
            if (notify is not null && !await WaitForReadyAsync(notify, process, deadline))
            {
                throw new InvalidOperationException($"{Path.GetFileName(executable)} did not say READY=1: {daemon.Log}");
            }

            while (!await CanConnectAsync(readyEndpoint))
            {
                if (process.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"{Path.GetFileName(executable)} did not come up on {readyEndpoint}: {daemon.Log}");
                }

                await Task.Delay(50);
            }
        }
        catch
        {
            await daemon.DisposeAsync();
            throw;
        }
        finally
        {
            File.Delete(notifyPath);
        }

        return daemon;
    }

    private static async Task<bool> WaitForReadyAsync(Socket notify, Process process, DateTime deadline)
    {
        var buffer = new byte[4096];
        while (!process.HasExited && DateTime.UtcNow < deadline)
        {
            using var slice = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            try
            {
                int n = await notify.ReceiveAsync(buffer, SocketFlags.None, slice.Token);
                if (Encoding.UTF8.GetString(buffer, 0, n).Split('\n').Contains("READY=1"))
                {
                    return true;
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        return false;
    }

    /// <summary>SIGTERM, then wait for a graceful exit.</summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        if (!_process.HasExited)
        {
            await ProcessRunner.RunAsync("/bin/kill", "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture));
            using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(40));
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        await _pump;
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    public static async Task<bool> CanConnectAsync(string endpoint)
    {
        int colon = endpoint.IndexOf(':', StringComparison.Ordinal);
        string kind = endpoint[..colon];
        string rest = endpoint[(colon + 1)..];
        try
        {
            if (kind == "unix")
            {
                using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await s.ConnectAsync(new UnixDomainSocketEndPoint(rest));
            }
            else
            {
                int last = rest.LastIndexOf(':');
                using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await s.ConnectAsync(rest[..last].Trim('[', ']'), int.Parse(rest[(last + 1)..], CultureInfo.InvariantCulture));
            }

            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
