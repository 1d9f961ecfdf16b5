using MailFilter.Milter.Wire;

namespace MailFilter.Milter;

/// <summary>
/// What a handler asks for in option negotiation. The listener replies with the intersection of this and
/// the MTA's offer, never with bits the MTA did not offer.
/// </summary>
public sealed record MilterFeatures
{
    /// <summary>The modifications the handler may make (all of them by default, except SETSYMLIST, which
    /// is added when <see cref="Macros"/> is not empty).</summary>
    public MilterActions Actions { get; init; } = MilterActions.CurrentMask & ~MilterActions.SetSymbolList;

    /// <summary>
    /// Steps to suppress and steps the handler will not answer. The default collects the message and
    /// decides at end of message, so headers, end of headers, body chunks, DATA and unknown commands need
    /// no round trip; header values are taken exactly (HDR_LEADSPC) so the message can be rebuilt byte for
    /// byte.
    /// </summary>
    public MilterProtocolFlags Protocol { get; init; } =
        MilterProtocolFlags.NoReplyHeader
        | MilterProtocolFlags.NoReplyEndOfHeaders
        | MilterProtocolFlags.NoReplyBody
        | MilterProtocolFlags.NoReplyData
        | MilterProtocolFlags.NoReplyUnknown
        | MilterProtocolFlags.HeaderLeadingSpace
        | MilterProtocolFlags.Skip;

    /// <summary>Macros to request per stage (SETSYMLIST), e.g. <c>{ [MacroStage.MailFrom] = "i {auth_authen}" }</c>.
    /// Stages not listed keep the MTA's configured lists.</summary>
    public IReadOnlyDictionary<MacroStage, string> Macros { get; init; } = new Dictionary<MacroStage, string>();
}
