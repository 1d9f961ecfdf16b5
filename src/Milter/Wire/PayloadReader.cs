using System.Buffers.Binary;
using System.Text;

namespace MailFilter.Milter.Wire;

/// <summary>
/// Reads the fields of one packet payload: NUL-terminated strings, big-endian integers, single bytes.
/// Never reads past the end: a missing terminator or a short integer throws
/// <see cref="MilterProtocolException"/> with <see cref="MilterProtocolError.MalformedPayload"/>.
/// </summary>
public ref struct PayloadReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public PayloadReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly bool End => _position >= _data.Length;

    public readonly int Remaining => _data.Length - _position;

    public readonly ReadOnlySpan<byte> Rest => _data[_position..];

    public byte ReadByte(string field)
    {
        if (_position >= _data.Length)
        {
            MilterProtocolException.Throw(MilterProtocolError.MalformedPayload, $"{field}: missing");
        }

        return _data[_position++];
    }

    public ushort ReadUInt16(string field)
    {
        if (Remaining < sizeof(ushort))
        {
            MilterProtocolException.Throw(MilterProtocolError.MalformedPayload, $"{field}: need 2 bytes, have {Remaining}");
        }

        ushort value = BinaryPrimitives.ReadUInt16BigEndian(_data[_position..]);
        _position += sizeof(ushort);
        return value;
    }

    public uint ReadUInt32(string field)
    {
        if (Remaining < sizeof(uint))
        {
            MilterProtocolException.Throw(MilterProtocolError.MalformedPayload, $"{field}: need 4 bytes, have {Remaining}");
        }

        uint value = BinaryPrimitives.ReadUInt32BigEndian(_data[_position..]);
        _position += sizeof(uint);
        return value;
    }

    /// <summary>The bytes up to the next NUL; the NUL is consumed and not returned.</summary>
    public ReadOnlySpan<byte> ReadCString(string field)
    {
        var rest = _data[_position..];
        int nul = rest.IndexOf((byte)0);
        if (nul < 0)
        {
            MilterProtocolException.Throw(MilterProtocolError.MalformedPayload, $"{field}: string without NUL terminator");
        }

        _position += nul + 1;
        return rest[..nul];
    }

    public string ReadString(string field) => Decode(ReadCString(field));

    /// <summary>Reads NUL-terminated strings until the payload ends (a "string list").</summary>
    public List<string> ReadStringList(string field)
    {
        var list = new List<string>(4);
        while (!End)
        {
            list.Add(ReadString(field));
        }

        return list;
    }

    /// <summary>UTF-8 when the bytes are valid UTF-8 (SMTPUTF8 addresses), otherwise Latin-1, which maps
    /// every byte to one char and so never loses information.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }

        if (System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return Encoding.UTF8.GetString(bytes);
        }

        return Encoding.Latin1.GetString(bytes);
    }
}
