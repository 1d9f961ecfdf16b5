using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace MailFilter.Milter.Tests;

/// <summary>Builds raw packets and oddly segmented sequences for wire tests.</summary>
internal static class Bytes
{
    public static byte[] Packet(char code, params byte[][] parts)
    {
        int len = 1 + parts.Sum(p => p.Length);
        var result = new byte[4 + len];
        BinaryPrimitives.WriteUInt32BigEndian(result, (uint)len);
        result[4] = (byte)code;
        int o = 5;
        foreach (var p in parts)
        {
            p.CopyTo(result, o);
            o += p.Length;
        }

        return result;
    }

    public static byte[] Z(string s) => [.. Encoding.UTF8.GetBytes(s), 0];

    public static byte[] U32(uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, v);
        return b;
    }

    public static byte[] U16(ushort v)
    {
        var b = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(b, v);
        return b;
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>A sequence with one segment per byte (Kestrel's boundary test).</summary>
    public static ReadOnlySequence<byte> OneBytePerSegment(byte[] data)
    {
        if (data.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(data.AsMemory(0, 1), 0);
        var last = first;
        for (int i = 1; i < data.Length; i++)
        {
            last = last.Append(data.AsMemory(i, 1));
        }

        return new ReadOnlySequence<byte>(first, 0, last, 1);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
