using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace MailFilter.Milter.Wire;

/// <summary>
/// Writes packets into an <see cref="IBufferWriter{T}"/>. Every writer computes the payload size first
/// (as a sum of field sizes), reserves the whole packet, and fills it in order.
/// </summary>
public static class PacketWriter
{
    /// <summary>Length prefix plus command byte.</summary>
    public const int HeaderSize = MilterFrame.LengthSize + 1;

    /// <summary>Reserves a packet of <paramref name="payloadSize"/> bytes, writes the length and code, and
    /// returns the span for the payload. The caller calls <c>writer.Advance(HeaderSize + payloadSize)</c>.</summary>
    public static Span<byte> Begin(IBufferWriter<byte> writer, byte code, int payloadSize)
    {
        var span = writer.GetSpan(HeaderSize + payloadSize);
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)(payloadSize + 1));
        span[MilterFrame.LengthSize] = code;
        return span.Slice(HeaderSize, payloadSize);
    }

    public static void PutUInt32(ref Span<byte> span, uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(span, value);
        span = span[sizeof(uint)..];
    }

    public static void PutUInt16(ref Span<byte> span, ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(span, value);
        span = span[sizeof(ushort)..];
    }

    public static void PutByte(ref Span<byte> span, byte value)
    {
        span[0] = value;
        span = span[1..];
    }

    public static void PutBytes(ref Span<byte> span, ReadOnlySpan<byte> value)
    {
        value.CopyTo(span);
        span = span[value.Length..];
    }

    /// <summary>Writes the bytes and a NUL terminator.</summary>
    public static void PutCString(ref Span<byte> span, ReadOnlySpan<byte> value)
    {
        value.CopyTo(span);
        span[value.Length] = 0;
        span = span[(value.Length + 1)..];
    }

    public static void PutCString(ref Span<byte> span, string value)
    {
        int n = Encoding.UTF8.GetBytes(value, span);
        span[n] = 0;
        span = span[(n + 1)..];
    }

    /// <summary>Size of a string written by <see cref="PutCString(ref Span{byte}, string)"/>, terminator included.</summary>
    public static int CStringSize(string value) => Encoding.UTF8.GetByteCount(value) + 1;

    /// <summary>A packet with only a code: CONTINUE, ACCEPT, ABORT, QUIT, ...</summary>
    public static void WriteEmpty(IBufferWriter<byte> writer, byte code)
    {
        Begin(writer, code, 0);
        writer.Advance(HeaderSize);
    }

    /// <summary>A packet whose payload is raw bytes (BODY, REPLBODY).</summary>
    public static void WriteRaw(IBufferWriter<byte> writer, byte code, ReadOnlySpan<byte> payload)
    {
        var span = Begin(writer, code, payload.Length);
        payload.CopyTo(span);
        writer.Advance(HeaderSize + payload.Length);
    }

    /// <summary>A packet whose payload is NUL-terminated strings (string list).</summary>
    public static void WriteStrings(IBufferWriter<byte> writer, byte code, params ReadOnlySpan<string> values)
    {
        int size = 0;
        foreach (var v in values)
        {
            size += CStringSize(v);
        }

        var span = Begin(writer, code, size);
        foreach (var v in values)
        {
            PutCString(ref span, v);
        }

        writer.Advance(HeaderSize + size);
    }

    /// <summary>A packet of byte strings, each NUL-terminated.</summary>
    public static void WriteByteStrings(IBufferWriter<byte> writer, byte code, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        int size = first.Length + 1 + second.Length + 1;
        var span = Begin(writer, code, size);
        PutCString(ref span, first);
        PutCString(ref span, second);
        writer.Advance(HeaderSize + size);
    }

    /// <summary>INSHEADER and CHGHEADER: <c>u32 index, name\0, value\0</c>.</summary>
    public static void WriteIndexedHeader(IBufferWriter<byte> writer, byte code, uint index, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        int size = sizeof(uint)     // index
            + name.Length + 1       // name + NUL
            + value.Length + 1;     // value + NUL
        var span = Begin(writer, code, size);
        PutUInt32(ref span, index);
        PutCString(ref span, name);
        PutCString(ref span, value);
        writer.Advance(HeaderSize + size);
    }
}
