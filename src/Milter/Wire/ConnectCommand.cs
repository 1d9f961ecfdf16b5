using System.Buffers;

namespace MailFilter.Milter.Wire;

/// <summary>Address family byte of SMFIC_CONNECT (SMFIA_*).</summary>
public enum ConnectFamily : byte
{
    Unknown = (byte)'U', // SMFIA_UNKNOWN: nothing follows the family byte
    Unix = (byte)'L',    // SMFIA_UNIX
    Inet = (byte)'4',    // SMFIA_INET
    Inet6 = (byte)'6',   // SMFIA_INET6
}

/// <summary>SMFIC_CONNECT: <c>host\0, family, [u16 port (BE), address\0]</c>. Postfix puts <c>[ip]</c>
/// in the host field when the client's name did not resolve.</summary>
public readonly record struct ConnectCommand(string Hostname, ConnectFamily Family, ushort Port, string Address)
{
    public static ConnectCommand Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new PayloadReader(payload);
        string host = reader.ReadString("connect hostname");
        var family = (ConnectFamily)reader.ReadByte("connect family");
        switch (family)
        {
            case ConnectFamily.Unknown:
                // Postfix sends nothing after 'U'; tolerate trailing bytes as libmilter does.
                return new ConnectCommand(host, family, 0, string.Empty);
            case ConnectFamily.Inet:
            case ConnectFamily.Inet6:
            case ConnectFamily.Unix:
                ushort port = reader.ReadUInt16("connect port");
                string address = reader.ReadString("connect address");
                if (family != ConnectFamily.Unix && !System.Net.IPAddress.TryParse(address, out _))
                {
                    MilterProtocolException.Throw(MilterProtocolError.MalformedPayload, "connect address is not an IP address");
                }

                return new ConnectCommand(host, family, port, address);
            default:
                MilterProtocolException.Throw(MilterProtocolError.MalformedPayload, $"unknown connect family 0x{(byte)family:x2}");
                return default;
        }
    }

    public void Write(IBufferWriter<byte> writer)
    {
        bool hasAddress = Family != ConnectFamily.Unknown;
        int size = PacketWriter.CStringSize(Hostname) // host
            + 1                                        // family
            + (hasAddress ? sizeof(ushort) + PacketWriter.CStringSize(Address) : 0); // port + address
        var span = PacketWriter.Begin(writer, (byte)MilterCommand.Connect, size);
        PacketWriter.PutCString(ref span, Hostname);
        PacketWriter.PutByte(ref span, (byte)Family);
        if (hasAddress)
        {
            PacketWriter.PutUInt16(ref span, Port);
            PacketWriter.PutCString(ref span, Address);
        }

        writer.Advance(PacketWriter.HeaderSize + size);
    }
}
