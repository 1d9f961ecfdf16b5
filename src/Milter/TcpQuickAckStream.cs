using System.Net.Sockets;

namespace MailFilter.Milter;

/// <summary>
/// A socket stream that re-arms TCP_QUICKACK after every read. Postfix writes a milter packet as a
/// length and then the rest (Nagle holds the second write until the first is ACKed); Linux delays ACKs
/// by up to 40 ms, so without this every exchange over TCP can stall twice (benchmark issue 2).
/// TCP_QUICKACK is not sticky, hence the re-arm.
/// </summary>
internal sealed class TcpQuickAckStream(Socket socket) : NetworkStream(socket, ownsSocket: true)
{
    private const int IpProtoTcp = 6;   // IPPROTO_TCP
    private const int TcpQuickAck = 12; // TCP_QUICKACK, linux/tcp.h

    private static readonly byte[] s_one = BitConverter.GetBytes(1);

    public static void Arm(Socket socket)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                socket.SetRawSocketOption(IpProtoTcp, TcpQuickAck, s_one);
            }
            catch (SocketException)
            {
                // Not fatal: only latency suffers.
            }
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await base.ReadAsync(buffer, cancellationToken);
        Arm(Socket);
        return n;
    }

    public override int Read(Span<byte> buffer)
    {
        int n = base.Read(buffer);
        Arm(Socket);
        return n;
    }
}
