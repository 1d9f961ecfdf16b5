using System.Net.Sockets;

namespace MailFilter.Milter;

/// <summary>A listening socket for an endpoint in Postfix's syntax, as the milter listener and mailfilterd's LMTP
/// listener open theirs: a unix socket gets its directory, a stale file from a crashed instance removed, and its mode
/// and group; a TCP socket reuses the address.</summary>
public static class ListeningSocket
{
    public static Socket Open(MilterEndpoint endpoint, UnixFileMode mode, string? group, int backlog)
    {
        if (endpoint.IsUnix)
        {
            string path = endpoint.UnixPath!;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            RemoveStaleSocket(path);
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                socket.Bind(endpoint.EndPoint);
                UnixSocketPermissions.Apply(path, mode, group);
                socket.Listen(backlog);
                return socket;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        var tcp = new Socket(endpoint.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            tcp.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            tcp.Bind(endpoint.EndPoint);
            tcp.Listen(backlog);
            return tcp;
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>A socket file left by a crashed instance is removed; one that still answers means another
    /// daemon is running, which is an error rather than something to take over.</summary>
    private static void RemoveStaleSocket(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException)
        {
            File.Delete(path);
            return;
        }

        throw new IOException($"{path} is in use by another process (is mailfilterd already running?)");
    }
}
