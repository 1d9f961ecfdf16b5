using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Data;
using MailFilter.AuthServer.Keys;
using MailFilter.Crypto.Keys;

namespace MailFilter.AuthServer.Discovery;

/// <summary>
/// Trust on first use and pin changes (docs/authd-api.md §7.3-7.4), without I/O: the address's pins and a
/// checked peer answer in, a <see cref="PinPlan"/> out.
/// <list type="bullet">
/// <item>The first answer that lists keys of a use is trusted whole: its keys of that use are confirmed and
/// the peer's current one becomes the pin.</item>
/// <item>Later, a key the pins do not hold is kept as unconfirmed. If it is the peer's current key, it
/// replaces the pin only when a chain of rotation announcements leads to it from the pinned key, each link
/// signed by a confirmed, unrevoked signing key of the address (a signing key by itself, an encryption key by
/// the signing key of its time); otherwise a pending change is recorded and the pin stays.</item>
/// <item>Validity and revocation of pinned keys follow the peer (a revocation only takes trust away and is
/// never undone); an answer without keys never unpins anything: that would be a downgrade to plaintext.</item>
/// </list>
/// </summary>
public static class PinPlanner
{
    /// <summary>Longest chain of announcements followed in one answer.</summary>
    public const int MaxChain = 64;

    public static PinPlan Plan(string address, string domain, string source, DateTime now, IReadOnlyList<PinRow> existing, PeerAnswer answer)
    {
        var pins = existing.Select(p => p.Clone()).ToList();
        var plan = new PinPlan(pins, []);
        var byKid = pins.ToDictionary(p => KeyId.FromBytes(p.Kid));
        foreach (var key in answer.Keys)
        {
            var kid = KeyId.Parse(key.Kid);
            if (byKid.TryGetValue(kid, out var pin))
            {
                Merge(pin, key, now);
                plan.Dirty.Add(pin);
            }
            else
            {
                pin = NewPin(address, domain, source, now, key);
                pins.Add(pin);
                byKid[kid] = pin;
            }
        }

        // Signing first: the encryption key's announcements are verified with signing keys confirmed here.
        foreach (var use in new[] { KeyUse.Sign, KeyUse.Encrypt })
        {
            PlanUse(plan, byKid, address, use, now, answer);
        }

        return plan;
    }

    private static void PlanUse(PinPlan plan, Dictionary<KeyId, PinRow> byKid, string address, KeyUse use, DateTime now, PeerAnswer answer)
    {
        var useName = KeyMaterial.UseName(use);
        var ofUse = plan.Pins.Where(p => p.KeyUse == useName).ToList();
        var peerCurrent = answer.Keys.FirstOrDefault(k => k.Use == use && k.Current) is { } c ? byKid[KeyId.Parse(c.Kid)] : null;
        if (!ofUse.Any(p => p.State is "confirmed" or "rejected"))
        {
            // Trust on first use: nothing of this use was ever pinned.
            var seen = ofUse.Where(p => p.State == "unconfirmed").ToList();
            if (seen.Count == 0)
            {
                return;
            }

            foreach (var pin in seen)
            {
                Confirm(plan, pin, "first-use", null, now);
            }

            if (peerCurrent is not null)
            {
                peerCurrent.IsCurrent = true;
            }

            plan.FirstUse.Add((useName, seen.Count, peerCurrent?.Kid));
            return;
        }

        var current = ofUse.FirstOrDefault(p => p.IsCurrent);
        if (peerCurrent is null || peerCurrent.IsCurrent || peerCurrent.State == "rejected")
        {
            return;
        }

        if (peerCurrent.State == "confirmed")
        {
            // Confirmed earlier (by the admin, or as a link of a chain): it simply becomes current.
            MoveCurrent(plan, current, peerCurrent);
            return;
        }

        var (chain, reason) = FollowAnnouncements(byKid, address, use, current, peerCurrent, answer.Rotations);
        if (chain is null)
        {
            plan.Changes.Add(new PlannedChange(useName, current?.Kid, peerCurrent.Kid, "pending", null, reason));
            return;
        }

        foreach (var (from, to) in chain)
        {
            if (to.State != "confirmed")
            {
                Confirm(plan, to, "announcement", from.Kid, now);
            }

            plan.Changes.Add(new PlannedChange(useName, from.Kid, to.Kid, "accepted", "announcement", "signed rotation announcement"));
        }

        MoveCurrent(plan, current, peerCurrent);
    }

    /// <summary>The links from <paramref name="current"/> to <paramref name="target"/>, or null and why not.</summary>
    private static (List<(PinRow From, PinRow To)>? Chain, string Reason) FollowAnnouncements(
        Dictionary<KeyId, PinRow> byKid, string address, KeyUse use, PinRow? current, PinRow target, IReadOnlyList<KeyRotation> rotations)
    {
        if (current is null)
        {
            return (null, "no confirmed key to follow a rotation from");
        }

        var chain = new List<(PinRow, PinRow)>();
        var at = current;
        string reason = $"no rotation announcement from {KeyId.FromBytes(current.Kid)}";
        while (chain.Count < MaxChain)
        {
            var atKid = KeyId.FromBytes(at.Kid);
            PinRow? next = null;
            foreach (var rotation in rotations.Where(r => r.Use == use && r.OldKid == atKid.ToString()))
            {
                var (candidate, why) = CheckLink(byKid, address, use, at, rotation);
                if (candidate is not null)
                {
                    next = candidate;
                    break;
                }

                reason = why;
            }

            if (next is null)
            {
                return (null, reason);
            }

            chain.Add((at, next));
            if (ReferenceEquals(next, target))
            {
                return (chain, string.Empty);
            }

            reason = $"no rotation announcement from {KeyId.FromBytes(next.Kid)}";
            at = next;
        }

        return (null, "the chain of rotation announcements is too long");
    }

    private static (PinRow? Next, string Reason) CheckLink(Dictionary<KeyId, PinRow> byKid, string address, KeyUse use, PinRow from, KeyRotation rotation)
    {
        if (!KeyId.TryParse(rotation.NewKid, out var newKid) || !byKid.TryGetValue(newKid, out var next) || next.KeyUse != from.KeyUse)
        {
            return (null, $"the announcement names {rotation.NewKid}, which the answer does not list");
        }

        if (!KeyId.TryParse(rotation.SignerKid, out var signerKid) || !byKid.TryGetValue(signerKid, out var signer) || signer.KeyUse != "sign")
        {
            return (null, "the announcement's signer is not a signing key of the address");
        }

        // A signing key announces its own successor; an encryption key's successor is announced by the
        // signing key of its time, which must be trusted already.
        if (use == KeyUse.Sign ? !ReferenceEquals(signer, from) : signer.State != "confirmed")
        {
            return (null, $"the announcement is signed by {rotation.SignerKid}, not a confirmed signing key");
        }

        if (signer.RevokedAt is not null)
        {
            return (null, $"the announcement is signed by {rotation.SignerKid}, which is revoked");
        }

        var ok = RotationStatement.Verify(Ed25519PublicKey.Import(signer.PublicKey), address, use, KeyId.FromBytes(from.Kid), newKid, next.PublicKey,
            rotation.RotatedAt, rotation.Signature);
        return ok ? (next, string.Empty) : (null, "the rotation announcement's signature does not verify");
    }

    private static void MoveCurrent(PinPlan plan, PinRow? from, PinRow to)
    {
        if (from is not null)
        {
            from.IsCurrent = false;
            plan.Dirty.Add(from);
        }

        to.IsCurrent = true;
        plan.Dirty.Add(to);
    }

    private static void Confirm(PinPlan plan, PinRow pin, string by, byte[]? replaces, DateTime now)
    {
        pin.State = "confirmed";
        pin.ConfirmedBy = by;
        pin.ReplacesKid = replaces;
        pin.ConfirmedAt = now;
        plan.Dirty.Add(pin);
    }

    private static void Merge(PinRow pin, KeyInfo key, DateTime now)
    {
        pin.LastSeen = now;
        pin.NotAfter ??= key.NotAfter?.UtcDateTime;
        if (pin.RevokedAt is null && key.RevokedAt is { } revoked)
        {
            pin.RevokedAt = revoked.UtcDateTime;
            pin.RevocationReason = key.RevocationReason;
            pin.NotAfter ??= revoked.UtcDateTime;
        }
    }

    private static PinRow NewPin(string address, string domain, string source, DateTime now, KeyInfo key) => new()
    {
        Address = address,
        Domain = domain,
        KeyUse = KeyMaterial.UseName(key.Use),
        Algorithm = KeyMaterial.AlgorithmName(key.Use),
        Kid = KeyId.Parse(key.Kid).ToArray(),
        PublicKey = key.PublicKey,
        NotBefore = key.NotBefore.UtcDateTime,
        NotAfter = key.NotAfter?.UtcDateTime ?? key.RevokedAt?.UtcDateTime,
        RevokedAt = key.RevokedAt?.UtcDateTime,
        RevocationReason = key.RevocationReason,
        Origin = key.Origin,
        State = "unconfirmed",
        Source = source,
        FirstSeen = now,
        LastSeen = now,
    };
}
