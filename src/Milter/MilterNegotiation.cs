using MailFilter.Milter.Wire;

namespace MailFilter.Milter;

/// <summary>Option negotiation as a pure function (reference §1.4).</summary>
public static class MilterNegotiation
{
    /// <summary>
    /// The reply to an MTA's offer: version min(6, offered), and the actions and protocol bits the handler
    /// wants that the MTA offered (an offer of 0 means the version-1 defaults, as in libmilter). Throws
    /// <see cref="MilterProtocolException"/> for a version below 2.
    /// </summary>
    public static OptionNegotiation Negotiate(OptionNegotiation offer, MilterFeatures features)
    {
        if (offer.Version < OptionNegotiation.MinimumVersion)
        {
            MilterProtocolException.Throw(MilterProtocolError.UnsupportedVersion,
                $"MTA offers milter protocol version {offer.Version}; at least {OptionNegotiation.MinimumVersion} is needed");
        }

        uint version = Math.Min(OptionNegotiation.CurrentVersion, offer.Version);
        var offeredActions = offer.Actions == 0 ? MilterActions.Version1Mask : offer.Actions;
        var offeredProtocol = offer.Protocol == 0 ? MilterProtocolFlags.Version1Mask : offer.Protocol;

        // A version-2 peer knows only the version-2 bits; newer versions are bounded by the offer itself.
        var actionMask = version == 2 ? MilterActions.Version2Mask : MilterActions.CurrentMask;
        var protocolMask = version == 2 ? MilterProtocolFlags.Version2Mask : MilterProtocolFlags.CurrentMask;

        var wantedActions = features.Actions;
        if (features.Macros.Count > 0 && version >= 6)
        {
            wantedActions |= MilterActions.SetSymbolList;
        }

        return new OptionNegotiation(
            version,
            wantedActions & offeredActions & actionMask,
            features.Protocol & offeredProtocol & protocolMask);
    }
}
