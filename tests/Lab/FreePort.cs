using System.Net;
using System.Net.Sockets;

namespace MailFilter.Lab;

/// <summary>Free loopback ports, asked from the kernel (bind to port 0) rather than assumed.</summary>
public static class FreePort
{
    private static readonly HashSet<int> s_handedOut = [];

    public static int Next()
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            int port = ((IPEndPoint)socket.LocalEndPoint!).Port;
            lock (s_handedOut)
            {
                // Never give the same port twice in one process, even if it was released meanwhile.
                if (s_handedOut.Add(port))
                {
                    return port;
                }
            }
        }

        throw new InvalidOperationException("no free loopback port");
    }
}
