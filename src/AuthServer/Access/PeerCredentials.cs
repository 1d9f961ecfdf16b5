using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;

namespace MailFilter.AuthServer.Access;

/// <summary>
/// The credentials of the process at the other end of a unix socket, as the kernel recorded them at
/// connect(2): SO_PEERCRED's struct ucred { pid_t pid; uid_t uid; gid_t gid; } (socket(7), unix(7)).
/// Supplementary groups come from /proc/PID/status, read when the connection is accepted.
/// </summary>
public sealed record PeerCredentials(int Pid, int Uid, int Gid, IReadOnlySet<int> Groups)
{
    private const int SolSocket = 1;   // SOL_SOCKET
    private const int SoPeerCred = 17; // SO_PEERCRED (asm-generic/socket.h)

    /// <summary>How the audit log names the peer: "uid=0 pid=1234".</summary>
    public string Actor => $"uid={Uid.ToString(CultureInfo.InvariantCulture)} pid={Pid.ToString(CultureInfo.InvariantCulture)}";

    public static PeerCredentials Read(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Span<byte> ucred = stackalloc byte[12];
        int length = socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred);
        if (length != 12)
        {
            throw new SocketException((int)SocketError.ProtocolNotSupported);
        }

        int pid = BinaryPrimitives.ReadInt32LittleEndian(ucred);
        int uid = BinaryPrimitives.ReadInt32LittleEndian(ucred[4..]);
        int gid = BinaryPrimitives.ReadInt32LittleEndian(ucred[8..]);
        return new PeerCredentials(pid, uid, gid, SupplementaryGroups(pid));
    }

    private static HashSet<int> SupplementaryGroups(int pid)
    {
        var groups = new HashSet<int>();
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith("Groups:", StringComparison.Ordinal))
                {
                    foreach (var g in line["Groups:".Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
                    {
                        groups.Add(int.Parse(g, CultureInfo.InvariantCulture));
                    }

                    break;
                }
            }
        }
        catch (IOException)
        {
            // The peer already exited: its uid and gid from SO_PEERCRED still decide.
        }

        return groups;
    }
}
