using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace MailFilter.Hosting;

/// <summary>
/// sd_notify(3) without libsystemd: one datagram to the unix socket named by $NOTIFY_SOCKET (an
/// abstract socket when the name starts with '@'). Does nothing when not started by systemd.
/// </summary>
public sealed class SdNotify
{
    private readonly string? _socketPath;

    public SdNotify(string? notifySocket = null, string? watchdogUsec = null, string? watchdogPid = null)
    {
        _socketPath = notifySocket ?? Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        // sd_watchdog_enabled(3): WatchdogSec= sets WATCHDOG_USEC; WATCHDOG_PID, when set, names the process meant.
        watchdogUsec ??= Environment.GetEnvironmentVariable("WATCHDOG_USEC");
        watchdogPid ??= Environment.GetEnvironmentVariable("WATCHDOG_PID");
        if (long.TryParse(watchdogUsec, NumberStyles.None, CultureInfo.InvariantCulture, out long usec) && usec > 0
            && (string.IsNullOrEmpty(watchdogPid) || watchdogPid == Environment.ProcessId.ToString(CultureInfo.InvariantCulture)))
        {
            WatchdogInterval = TimeSpan.FromMicroseconds(usec);
        }
    }

    public bool Enabled => !string.IsNullOrEmpty(_socketPath);

    /// <summary>The service's WatchdogSec=, when systemd asks for keep-alive pings; null otherwise.</summary>
    public TimeSpan? WatchdogInterval { get; }

    /// <summary>systemd.service(5): RELOADING=1 while settings are reread; <see cref="Ready"/> ends it.</summary>
    public void Reloading(string status) => Send($"RELOADING=1\nSTATUS={status}");

    public void Ready(string status) => Send($"READY=1\nSTATUS={status}");

    public void Stopping(string status) => Send($"STOPPING=1\nSTATUS={status}");

    public void Status(string status) => Send($"STATUS={status}");

    public void Watchdog() => Send("WATCHDOG=1");

    /// <summary>Sends WATCHDOG=1 at half the watchdog interval until <paramref name="cancellationToken"/> is
    /// cancelled (sd_watchdog_enabled(3) recommends half). A process whose thread pool is stuck misses the
    /// pings and systemd restarts it. Returns at once when there is no watchdog.</summary>
    public async Task RunWatchdogAsync(CancellationToken cancellationToken)
    {
        if (WatchdogInterval is not { } interval || !Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval / 2);
        try
        {
            do
            {
                Watchdog();
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Send(string state)
    {
        if (!Enabled)
        {
            return;
        }

        string path = _socketPath![0] == '@' ? "\0" + _socketPath[1..] : _socketPath;
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        try
        {
            socket.SendTo(Encoding.UTF8.GetBytes(state), new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException)
        {
            // systemd went away; notifications are advisory.
        }
    }
}
