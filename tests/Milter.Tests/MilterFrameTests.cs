using System.Buffers;
using MailFilter.Milter.Wire;

namespace MailFilter.Milter.Tests;

public class MilterFrameTests
{
    private static readonly byte[] s_helo = Bytes.Packet('H', Bytes.Z("mx.example.test"));

    [Fact]
    public void ReadsAWholeFrame()
    {
        var buffer = new ReadOnlySequence<byte>(s_helo);
        Assert.True(MilterFrame.TryRead(ref buffer, 1024, out var frame));
        Assert.Equal((byte)'H', frame.Code);
        Assert.Equal(Bytes.Z("mx.example.test"), frame.Payload.ToArray());
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void EveryPrefixIsIncompleteAndConsumesNothing()
    {
        for (int n = 0; n < s_helo.Length; n++)
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(s_helo, 0, n));
            Assert.False(MilterFrame.TryRead(ref reader, 1024, out _));
            Assert.Equal(0, reader.Consumed);
        }
    }

    [Fact]
    public void OneBytePerSegmentReadsTheSameFrame()
    {
        var data = Bytes.Concat(s_helo, Bytes.Packet('B', new byte[300]));
        var buffer = Bytes.OneBytePerSegment(data);
        Assert.True(MilterFrame.TryRead(ref buffer, 1024, out var first));
        Assert.Equal(Bytes.Z("mx.example.test"), first.Payload.ToArray());
        Assert.True(MilterFrame.TryRead(ref buffer, 1024, out var second));
        Assert.Equal((byte)'B', second.Code);
        Assert.Equal(300, second.Payload.Length);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void ACommandWithoutPayloadIsLengthOne()
    {
        var buffer = new ReadOnlySequence<byte>([0, 0, 0, 1, (byte)'A']);
        Assert.True(MilterFrame.TryRead(ref buffer, 1024, out var frame));
        Assert.Equal((byte)'A', frame.Code);
        Assert.True(frame.Payload.IsEmpty);
    }

    [Fact]
    public void ZeroLengthIsAProtocolError()
    {
        var buffer = new ReadOnlySequence<byte>([0, 0, 0, 0]);
        var e = Assert.Throws<MilterProtocolException>(() => MilterFrame.TryRead(ref buffer, 1024, out _));
        Assert.Equal(MilterProtocolError.ZeroLength, e.Error);
    }

    [Fact]
    public void OversizeIsRefusedFromTheLengthAloneBeforeThePayloadArrives()
    {
        // Only the 4 length bytes and the code: the cap is checked before waiting for (or allocating) 4 GB.
        var buffer = new ReadOnlySequence<byte>([0xFF, 0xFF, 0xFF, 0xFF, (byte)'B']);
        var e = Assert.Throws<MilterProtocolException>(() => MilterFrame.TryRead(ref buffer, 1024 * 1024, out _));
        Assert.Equal(MilterProtocolError.PacketTooLarge, e.Error);
    }

    [Fact]
    public void APayloadExactlyAtTheCapIsAccepted()
    {
        var data = Bytes.Packet('B', new byte[1000]);
        var buffer = new ReadOnlySequence<byte>(data);
        Assert.True(MilterFrame.TryRead(ref buffer, 1000, out _));
        buffer = new ReadOnlySequence<byte>(data);
        Assert.Throws<MilterProtocolException>(() => MilterFrame.TryRead(ref buffer, 999, out _));
    }

    [Fact]
    public void FiftyPipelinedFramesParseInOrder()
    {
        var data = Bytes.Concat(Enumerable.Range(0, 50).Select(i => Bytes.Packet('L', Bytes.Z($"X-{i}"), Bytes.Z("v"))).ToArray());
        var buffer = new ReadOnlySequence<byte>(data);
        for (int i = 0; i < 50; i++)
        {
            Assert.True(MilterFrame.TryRead(ref buffer, 1024, out var frame));
            var header = HeaderCommand.Parse(frame.Payload.ToArray());
            Assert.Equal($"X-{i}", System.Text.Encoding.ASCII.GetString(header.Name));
        }

        Assert.False(MilterFrame.TryRead(ref buffer, 1024, out _));
    }

    [Fact]
    public void WritersProduceFramesTheReaderReadsBack()
    {
        var writer = new ArrayBufferWriter<byte>();
        PacketWriter.WriteStrings(writer, (byte)'M', "<a@x>", "SIZE=10", "BODY=8BITMIME");
        PacketWriter.WriteIndexedHeader(writer, (byte)'i', 1, "X-T"u8, "v"u8);
        PacketWriter.WriteEmpty(writer, (byte)'c');
        var buffer = new ReadOnlySequence<byte>(writer.WrittenMemory);
        Assert.True(MilterFrame.TryRead(ref buffer, 1024, out var mail));
        var (address, args) = EnvelopeCommand.Parse(mail.Payload.ToArray(), "sender");
        Assert.Equal("<a@x>"u8.ToArray(), address);
        Assert.Equal(["SIZE=10", "BODY=8BITMIME"], args);
        Assert.True(MilterFrame.TryRead(ref buffer, 1024, out var insert));
        Assert.Equal(Bytes.Concat(Bytes.U32(1), Bytes.Z("X-T"), Bytes.Z("v")), insert.Payload.ToArray());
        Assert.True(MilterFrame.TryRead(ref buffer, 1024, out var cont));
        Assert.Equal((byte)'c', cont.Code);
    }
}
