using MailFilter.AuthServer.Data;

namespace MailFilter.AuthServer.Discovery;

/// <summary>What applying one peer answer does to an address's pins: rows to insert or update, changes to record, keys pinned on first use.</summary>
public sealed class PinPlan
{
    public PinPlan(List<PinRow> pins, HashSet<PinRow> dirty)
    {
        Pins = pins;
        Dirty = dirty;
    }

    /// <summary>Every pin of the address after the answer (new ones have Id 0).</summary>
    public List<PinRow> Pins { get; }

    /// <summary>Existing pins that changed (validity, revocation, state, last seen).</summary>
    public HashSet<PinRow> Dirty { get; }

    public List<PlannedChange> Changes { get; } = [];

    /// <summary>Uses pinned on first use by this answer, with the key that became current (null if the peer had none current).</summary>
    public List<(string KeyUse, int Count, byte[]? CurrentKid)> FirstUse { get; } = [];
}
