using MailFilter.Crypto.Keys;

namespace MailFilter.AuthServer.Conflicts;

/// <summary>
/// The detection and the history check of docs/conflicts.md §2-§3, without I/O. Kids are grouped into lineages: a
/// rotation announced by the sender's server (the old key signed the new one) and the kids of a conflict the admin
/// released join their kids into one lineage. Two or more lineages among a pair's deliveries within the window are a
/// conflict. The check decides it when the sending hosts with earlier sessions (history) all used one lineage and
/// every host using another lineage has no history: those are the forgers.
/// </summary>
public static class ConflictDecider
{
    /// <summary>The lineages among <paramref name="kids"/>: each kid's representative, kids joined by <paramref name="links"/>.</summary>
    public static Dictionary<KeyId, KeyId> Lineages(IEnumerable<KeyId> kids, IEnumerable<(KeyId A, KeyId B)> links)
    {
        var parent = new Dictionary<KeyId, KeyId>();
        KeyId Find(KeyId k)
        {
            if (!parent.TryGetValue(k, out var p))
            {
                parent[k] = k;
                return k;
            }

            while (p != k)
            {
                var grand = parent[p];
                parent[k] = grand;
                k = p;
                p = grand;
            }

            return k;
        }

        foreach (var (a, b) in links)
        {
            var (ra, rb) = (Find(a), Find(b));
            if (ra != rb)
            {
                // The smaller kid represents the lineage: deterministic whatever the order of the links.
                if (ra < rb)
                {
                    parent[rb] = ra;
                }
                else
                {
                    parent[ra] = rb;
                }
            }
        }

        return kids.Distinct().ToDictionary(k => k, Find);
    }

    /// <summary>The history check over the window's sources (each with <see cref="WindowSource.History"/> set).</summary>
    public static ConflictVerdict Decide(IReadOnlyList<WindowSource> sources, IReadOnlyDictionary<KeyId, KeyId> lineage)
    {
        if (sources.Any(s => s.Address is null))
        {
            return new ConflictVerdict(false, "a sending host is unknown (Postfix did not send XFORWARD ADDR): the history check needs every host's address");
        }

        var withHistory = sources.Where(s => s.History).ToList();
        if (withHistory.Count == 0)
        {
            return new ConflictVerdict(false, "no sending host has earlier sessions with the recipient under this identity");
        }

        var genuineLineages = withHistory.Select(s => lineage[s.Kid]).Distinct().ToList();
        if (genuineLineages.Count > 1)
        {
            return new ConflictVerdict(false, "sending hosts with earlier sessions used different keys");
        }

        var genuine = genuineLineages[0];
        var byAddress = sources.GroupBy(s => s.Address!, StringComparer.Ordinal).ToList();
        var mixed = byAddress.Where(g => g.Any(s => lineage[s.Kid] == genuine) && g.Any(s => lineage[s.Kid] != genuine)).Select(g => g.Key).ToList();
        if (mixed.Count > 0)
        {
            return new ConflictVerdict(false, $"sending host {mixed[0]} used the genuine key and another one");
        }

        // The hosts with history all used the genuine lineage, so every host of another lineage has none: the forgers.
        var forgers = sources.Where(s => lineage[s.Kid] != genuine).ToList();

        var genuineSources = sources.Where(s => lineage[s.Kid] == genuine).ToList();
        return new ConflictVerdict(true,
            $"{string.Join(", ", genuineSources.Select(s => s.Address).Distinct().Order(StringComparer.Ordinal))} had earlier sessions with the recipient; " +
            $"{string.Join(", ", forgers.Select(s => s.Address).Distinct().Order(StringComparer.Ordinal))} had none")
        {
            GenuineKids = [.. genuineSources.Select(s => s.Kid).Distinct().Order()],
            GenuineSources = [.. genuineSources.Select(s => s.Address!).Distinct().Order(StringComparer.Ordinal)],
            ForgerKids = [.. forgers.Select(s => s.Kid).Distinct().Order()],
            ForgerSources = [.. forgers.Select(s => s.Address!).Distinct().Order(StringComparer.Ordinal)],
        };
    }
}
