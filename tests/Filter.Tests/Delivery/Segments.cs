using System.Buffers;

namespace MailFilter.Filter.Tests.Delivery;

/// <summary>Builds a ReadOnlySequence split into segments of given sizes (one byte each, or at a chosen point), as
/// Kestrel's tests do: the parsers must not care where the network split the bytes.</summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> OneBytePerSegment(byte[] data) => Split(data, Enumerable.Repeat(1, data.Length).ToArray());

    public static ReadOnlySequence<byte> Split(byte[] data, params int[] sizes)
    {
        if (data.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        Segment? first = null;
        Segment? last = null;
        int offset = 0;
        foreach (int size in sizes.Append(int.MaxValue))
        {
            int n = Math.Min(size, data.Length - offset);
            if (n <= 0)
            {
                break;
            }

            var segment = new Segment(data.AsMemory(offset, n), last);
            first ??= segment;
            last = segment;
            offset += n;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, Segment? previous)
        {
            Memory = memory;
            if (previous is not null)
            {
                RunningIndex = previous.RunningIndex + previous.Memory.Length;
                previous.Next = this;
            }
        }
    }
}
