using MailFilter.Milter.Wire;

namespace MailFilter.Milter.Tests;

public class NegotiationTests
{
    private static readonly MilterFeatures s_features = new()
    {
        Macros = new Dictionary<MacroStage, string> { [MacroStage.Connect] = "{client_addr}" },
    };

    [Fact]
    public void PostfixOfferGetsVersionSixAndOnlyOfferedBits()
    {
        var offer = new OptionNegotiation(6, MilterActions.CurrentMask, MilterProtocolFlags.CurrentMask);
        var reply = MilterNegotiation.Negotiate(offer, s_features);
        Assert.Equal(6u, reply.Version);
        Assert.Equal(reply.Actions, reply.Actions & offer.Actions);
        Assert.Equal(reply.Protocol, reply.Protocol & offer.Protocol);
        Assert.True(reply.Actions.HasFlag(MilterActions.SetSymbolList));
        Assert.True(reply.Protocol.HasFlag(MilterProtocolFlags.NoReplyHeader));
        Assert.True(reply.Protocol.HasFlag(MilterProtocolFlags.HeaderLeadingSpace));
    }

    [Fact]
    public void ReducedOfferIsNeverExceeded()
    {
        // miltertest's negotiate(conn, 6, 0x7F, 0x3F): reduced steps, reduced actions, no NR or LEADSPC bits.
        var offer = new OptionNegotiation(6, (MilterActions)0x3F, (MilterProtocolFlags)0x7F);
        var reply = MilterNegotiation.Negotiate(offer, s_features);
        Assert.Equal(0u, (uint)reply.Actions & ~0x3Fu);
        Assert.Equal(0u, (uint)reply.Protocol & ~0x7Fu);
        Assert.False(reply.Actions.HasFlag(MilterActions.SetSymbolList));
        Assert.False(reply.Protocol.HasFlag(MilterProtocolFlags.HeaderLeadingSpace));
    }

    [Theory]
    [InlineData(2u, 2u)]
    [InlineData(3u, 3u)]
    [InlineData(4u, 4u)]
    [InlineData(6u, 6u)]
    [InlineData(7u, 6u)]
    [InlineData(100u, 6u)]
    public void VersionIsTheLowerOfBoth(uint offered, uint expected)
    {
        var reply = MilterNegotiation.Negotiate(new OptionNegotiation(offered, MilterActions.CurrentMask, MilterProtocolFlags.CurrentMask), s_features);
        Assert.Equal(expected, reply.Version);
    }

    [Fact]
    public void VersionTwoGetsOnlyVersionTwoMasks()
    {
        var reply = MilterNegotiation.Negotiate(new OptionNegotiation(2, MilterActions.CurrentMask, MilterProtocolFlags.CurrentMask), s_features);
        Assert.Equal(0u, (uint)reply.Actions & ~(uint)MilterActions.Version2Mask);
        Assert.Equal(0u, (uint)reply.Protocol & ~(uint)MilterProtocolFlags.Version2Mask);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(1u)]
    public void VersionBelowTwoIsRefused(uint version)
    {
        var e = Assert.Throws<MilterProtocolException>(() => MilterNegotiation.Negotiate(new OptionNegotiation(version, MilterActions.CurrentMask, MilterProtocolFlags.CurrentMask), s_features));
        Assert.Equal(MilterProtocolError.UnsupportedVersion, e.Error);
    }

    [Fact]
    public void ZeroMasksMeanTheVersionOneDefaults()
    {
        var reply = MilterNegotiation.Negotiate(new OptionNegotiation(6, 0, 0), s_features);
        Assert.Equal(0u, (uint)reply.Actions & ~(uint)MilterActions.Version1Mask);
        Assert.Equal(0u, (uint)reply.Protocol & ~(uint)MilterProtocolFlags.Version1Mask);
    }
}
