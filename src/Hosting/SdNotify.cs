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

    public SdNotify(string? notifySocket = null)
    {
        _socketPath = notifySocket ?? Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
    }

    public bool Enabled => !string.IsNullOrEmpty(_socketPath);

    public void Ready(string status) => Send($"READY=1\nSTATUS={status}");

    public void Stopping(string status) => Send($"STOPPING=1\nSTATUS={status}");

    public void Status(string status) => Send($"STATUS={status}");

    public void Watchdog() => Send("WATCHDOG=1");

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
