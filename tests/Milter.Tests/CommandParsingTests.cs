using MailFilter.Milter.Wire;

namespace MailFilter.Milter.Tests;

public class CommandParsingTests
{
    [Fact]
    public void OptionNegotiationReadsThreeBigEndianWords()
    {
        var o = OptionNegotiation.Parse(Bytes.Concat(Bytes.U32(6), Bytes.U32(0x1FF), Bytes.U32(0x1FFFFF)));
        Assert.Equal(6u, o.Version);
        Assert.Equal(MilterActions.CurrentMask, o.Actions);
        Assert.Equal(MilterProtocolFlags.CurrentMask, o.Protocol);
    }

    [Fact]
    public void OptionNegotiationShorterThanTwelveBytesIsMalformed()
    {
        var e = Assert.Throws<MilterProtocolException>(() => OptionNegotiation.Parse(Bytes.Concat(Bytes.U32(6), Bytes.U32(0x1FF))));
        Assert.Equal(MilterProtocolError.MalformedPayload, e.Error);
    }

    [Fact]
    public void OptionNegotiationReplyCarriesSymbolLists()
    {
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        new OptionNegotiation(6, MilterActions.AddHeaders | MilterActions.SetSymbolList, MilterProtocolFlags.NoReplyHeader)
            .Write(writer, new Dictionary<MacroStage, string> { [MacroStage.Connect] = "{client_addr} j", [MacroStage.MailFrom] = "i {auth_authen}" });
        var payload = writer.WrittenSpan[5..].ToArray();
        var parsed = OptionNegotiation.Parse(payload, out var lists);
        Assert.Equal(MilterActions.AddHeaders | MilterActions.SetSymbolList, parsed.Actions);
        Assert.Equal("{client_addr} j", lists[MacroStage.Connect]);
        Assert.Equal("i {auth_authen}", lists[MacroStage.MailFrom]);
    }

    [Fact]
    public void ConnectInet4CarriesPortAndAddress()
    {
        var c = ConnectCommand.Parse(Bytes.Concat(Bytes.Z("mail.example.org"), [(byte)'4'], Bytes.U16(40001), Bytes.Z("192.0.2.10")));
        Assert.Equal("mail.example.org", c.Hostname);
        Assert.Equal(ConnectFamily.Inet, c.Family);
        Assert.Equal(40001, c.Port);
        Assert.Equal("192.0.2.10", c.Address);
    }

    [Fact]
    public void ConnectInet6AndUnixAndUnknownFamiliesParse()
    {
        Assert.Equal("::1", ConnectCommand.Parse(Bytes.Concat(Bytes.Z("localhost"), [(byte)'6'], Bytes.U16(25), Bytes.Z("::1"))).Address);
        Assert.Equal("/run/x", ConnectCommand.Parse(Bytes.Concat(Bytes.Z("localhost"), [(byte)'L'], Bytes.U16(0), Bytes.Z("/run/x"))).Address);
        var unknown = ConnectCommand.Parse(Bytes.Concat(Bytes.Z("localhost"), [(byte)'U']));
        Assert.Equal(ConnectFamily.Unknown, unknown.Family);
        Assert.Equal(string.Empty, unknown.Address);
    }

    [Theory]
    [InlineData("missing port")]
    [InlineData("bad address")]
    [InlineData("unknown family")]
    [InlineData("no nul after host")]
    public void MalformedConnectIsRefusedWithoutReadingPastThePayload(string variant)
    {
        byte[] payload = variant switch
        {
            "missing port" => Bytes.Concat(Bytes.Z("h"), [(byte)'4']),
            "bad address" => Bytes.Concat(Bytes.Z("h"), [(byte)'4'], Bytes.U16(25), Bytes.Z("not-an-ip")),
            "unknown family" => Bytes.Concat(Bytes.Z("h"), [(byte)'Z'], Bytes.U16(25), Bytes.Z("1.2.3.4")),
            _ => "abc"u8.ToArray(),
        };
        var e = Assert.Throws<MilterProtocolException>(() => ConnectCommand.Parse(payload));
        Assert.Equal(MilterProtocolError.MalformedPayload, e.Error);
    }

    [Fact]
    public void HeaderWithEmptyValueArrivesAsNameNulNul()
    {
        var h = HeaderCommand.Parse(Bytes.Concat(Bytes.Z("X-Empty"), Bytes.Z("")));
        Assert.Equal("X-Empty"u8.ToArray(), h.Name.ToArray());
        Assert.True(h.Value.IsEmpty);
    }

    [Fact]
    public void FoldedHeaderValueKeepsItsBareLineFeed()
    {
        var h = HeaderCommand.Parse(Bytes.Concat(Bytes.Z("Subject"), Bytes.Z("part one\n\tpart two")));
        Assert.Equal("part one\n\tpart two"u8.ToArray(), h.Value.ToArray());
    }

    [Fact]
    public void HeaderWithASingleStringIsMalformed()
    {
        Assert.Throws<MilterProtocolException>(() => HeaderCommand.Parse(Bytes.Z("X-Only-Name")));
        Assert.Throws<MilterProtocolException>(() => HeaderCommand.Parse("no-nul"u8.ToArray()));
    }

    [Fact]
    public void MacroPacketsAreParsedLeniently()
    {
        var pairs = new List<KeyValuePair<string, string>>();
        Assert.Equal((byte)'H', MacroCommand.ParseInto([(byte)'H'], pairs));
        Assert.Empty(pairs);

        Assert.Equal((byte)'Z', MacroCommand.ParseInto(Bytes.Concat([(byte)'Z'], Bytes.Z("j"), Bytes.Z("mx"), Bytes.Z("{odd}")), pairs));
        Assert.Equal([new("j", "mx"), new("{odd}", "")], pairs);

        pairs.Clear();
        MacroCommand.ParseInto(Bytes.Concat([(byte)'L'], Bytes.Z("i"), "ABC"u8.ToArray()), pairs);
        Assert.Equal([new("i", "ABC")], pairs);
    }

    [Fact]
    public void MacroPacketWithoutStageByteIsMalformed()
    {
        Assert.Throws<MilterProtocolException>(() => MacroCommand.ParseInto([], []));
    }

    [Fact]
    public void MailCarriesSenderAndEsmtpParametersOnePerString()
    {
        var (address, args) = EnvelopeCommand.Parse(Bytes.Concat(Bytes.Z("<alice@example.com>"), Bytes.Z("size=293"), Bytes.Z("BODY=8BITMIME")), "sender");
        var sender = new EnvelopeAddress(address, args);
        Assert.Equal("alice@example.com", sender.Address);
        Assert.Equal("<alice@example.com>", sender.Raw);
        Assert.Equal(["size=293", "BODY=8BITMIME"], sender.Arguments);
    }

    [Theory]
    [InlineData("<>", "")]
    [InlineData("", "")]
    [InlineData("bob@example.test", "bob@example.test")]
    [InlineData("<@relay.example,@b.example:bob@example.test>", "bob@example.test")]
    public void EnvelopeAddressesLoseBracketsAndSourceRoutes(string raw, string expected)
    {
        Assert.Equal(expected, new EnvelopeAddress(raw).Address);
    }
}
