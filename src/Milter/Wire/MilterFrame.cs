using System.Buffers;
using System.Buffers.Binary;

namespace MailFilter.Milter.Wire;

/// <summary>
/// One milter packet: <c>uint32 len (big-endian)</c>, <c>char code</c>, <c>len-1</c> bytes of payload.
/// The same framing is used in both directions.
/// </summary>
public readonly struct MilterFrame
{
    /// <summary>Size of the length prefix.</summary>
    public const int LengthSize = 4;

    /// <summary>libmilter's MILTER_CHUNK_SIZE: the largest BODY or REPLBODY payload portable to every MTA.</summary>
    public const int MaxChunkSize = 65535;

    public MilterFrame(byte code, ReadOnlySequence<byte> payload)
    {
        Code = code;
        Payload = payload;
    }

    /// <summary>The command (MTA → filter) or reply (filter → MTA) byte.</summary>
    public byte Code { get; }

    /// <summary>The payload; valid only until the reader advances past it.</summary>
    public ReadOnlySequence<byte> Payload { get; }

    /// <summary>
    /// Reads one frame. Returns false when the buffer does not yet hold a whole frame; then nothing is
    /// consumed. Throws <see cref="MilterProtocolException"/> for a zero length or a length over
    /// <paramref name="maxPayloadSize"/>, before anything is allocated.
    /// </summary>
    public static bool TryRead(ref SequenceReader<byte> reader, int maxPayloadSize, out MilterFrame frame)
    {
        frame = default;
        Span<byte> prefix = stackalloc byte[LengthSize];
        if (!reader.TryCopyTo(prefix))
        {
            return false;
        }

        uint length = BinaryPrimitives.ReadUInt32BigEndian(prefix);
        if (length == 0)
        {
            MilterProtocolException.Throw(MilterProtocolError.ZeroLength, "packet length 0 (a packet has at least its command byte)");
        }

        if (length - 1 > (uint)maxPayloadSize)
        {
            MilterProtocolException.Throw(MilterProtocolError.PacketTooLarge,
                $"packet length {length} is over the limit of {maxPayloadSize} payload bytes");
        }

        if (reader.Remaining < LengthSize + (long)length)
        {
            return false;
        }

        reader.Advance(LengthSize);
        reader.TryRead(out byte code);
        var payload = reader.UnreadSequence.Slice(0, length - 1);
        reader.Advance(length - 1);
        frame = new MilterFrame(code, payload);
        return true;
    }

    /// <summary>The same as <see cref="TryRead(ref SequenceReader{byte}, int, out MilterFrame)"/> on a
    /// sequence, for async loops that cannot hold a <see cref="SequenceReader{T}"/>: on success
    /// <paramref name="buffer"/> is sliced past the frame.</summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, int maxPayloadSize, out MilterFrame frame)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!TryRead(ref reader, maxPayloadSize, out frame))
        {
            return false;
        }

        buffer = buffer.Slice(reader.Position);
        return true;
    }
}
