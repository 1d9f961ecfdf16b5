using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MailFilter.Lab;

/// <summary>
/// Free loopback ports for the daemons a test starts. They come from below the kernel's ephemeral range
/// (net.ipv4.ip_local_port_range, 32768-60999 on Debian): a port the kernel hands to "bind to port 0" lies in that
/// range, where every outgoing connection of every process (clients of PostgreSQL, Postfix, the daemons) also gets its
/// local port, so between asking and the daemon's bind another connection could take it ("address already in use",
/// seen in CI). Below the range only explicit binds compete; each process starts at a random place in it, never hands
/// out a port twice and checks that the port binds.
/// </summary>
public static class FreePort
{
    private static readonly HashSet<int> s_handedOut = [];
    private static readonly (int Low, int High) s_range = Range();
    private static int s_next = s_range.Low + Random.Shared.Next(s_range.High - s_range.Low + 1);

    public static int Next()
    {
        lock (s_handedOut)
        {
            for (int i = 0; i <= s_range.High - s_range.Low; i++)
            {
                int port = s_next;
                s_next = port == s_range.High ? s_range.Low : port + 1;
                if (s_handedOut.Add(port) && Binds(port))
                {
                    return port;
                }
            }
        }

        throw new InvalidOperationException($"no free loopback port in {s_range.Low}-{s_range.High}");
    }

    private static bool Binds(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // The 12,000 ports below the ephemeral range (at least from 1024).
    private static (int Low, int High) Range()
    {
        int ephemeralLow = 32768;
        try
        {
            var text = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            ephemeralLow = int.Parse(text[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
        {
            // Not Linux, or unreadable: the Debian default.
        }

        int high = ephemeralLow - 1;
        return (Math.Max(1024, high - 11_999), high);
    }
}
