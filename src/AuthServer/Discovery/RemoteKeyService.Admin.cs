using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Data;
using MailFilter.AuthServer.Endpoints;
using MailFilter.AuthServer.Keys;
using MailFilter.Crypto.Keys;

namespace MailFilter.AuthServer.Discovery;

/// <summary>
/// The admin's side of pinning (docs/authd-api.md §8): list pins and changes, accept or reject pending
/// changes. Accepting makes the new key the pin (and confirms the other unconfirmed keys of that use the peer
/// listed, which the admin vouches for with it); rejecting marks the new key rejected: it is never used, and
/// seeing it again records nothing new.
/// </summary>
public sealed partial class RemoteKeyService
{
    public async Task<PinsResponse> ListAsync(string? address, string? domain, bool pendingOnly, CancellationToken cancellationToken)
    {
        var (pins, changes) = await _pins.ListAsync(address is null ? null : KeyService.Canonical(address),
            domain is null ? null : KeyService.DomainOf(KeyService.Canonical("x@" + domain)), pendingOnly, cancellationToken);
        return new PinsResponse { Keys = [.. pins.Select(ToInfo)], Changes = [.. changes.Select(ToChange)] };
    }

    public Task<PinsResponse> AcceptAsync(PinDecisionRequest request, string actor, CancellationToken cancellationToken) =>
        DecideAsync(request, "accepted", actor, cancellationToken);

    public Task<PinsResponse> RejectAsync(PinDecisionRequest request, string actor, CancellationToken cancellationToken) =>
        DecideAsync(request, "rejected", actor, cancellationToken);

    private async Task<PinsResponse> DecideAsync(PinDecisionRequest request, string state, string actor, CancellationToken cancellationToken)
    {
        var address = KeyService.Canonical(request.Address);
        KeyId? kid = null;
        if (request.Kid is not null)
        {
            kid = KeyId.TryParse(request.Kid, out var parsed) ? parsed : throw ApiException.BadRequest("not a key id (22 characters of unpadded base64)");
        }

        var useName = request.Use is { } u ? KeyMaterial.UseName(u) : null;
        var now = Database.Now();
        var decided = new List<PinChangeRow>();
        var ids = await _pins.DecideAsync(address, state, actor, now, (pins, pending) =>
        {
            var selected = pending.Where(c => (useName is null || c.KeyUse == useName) && (kid is null || KeyId.FromBytes(c.NewKid) == kid)).ToList();
            var plan = new PinPlan([.. pins.Select(p => p.Clone())], []);
            foreach (var group in selected.GroupBy(c => c.KeyUse))
            {
                if (state == "accepted")
                {
                    Accept(plan, group.Key, [.. group], pending.Except(selected).Where(c => c.KeyUse == group.Key).Select(c => KeyId.FromBytes(c.NewKid)), now);
                }
                else
                {
                    foreach (var pin in plan.Pins.Where(p => group.Any(c => c.NewKid.AsSpan().SequenceEqual(p.Kid))))
                    {
                        pin.State = "rejected";
                        pin.ConfirmedBy = null;
                        pin.ConfirmedAt = null;
                        pin.IsCurrent = false;
                        plan.Dirty.Add(pin);
                    }
                }
            }

            decided.AddRange(selected);
            return (plan, selected);
        }, cancellationToken);
        if (ids.Count == 0)
        {
            throw ApiException.NotFound("no-change", $"{address} has no pending pin change"
                + (useName is null ? string.Empty : $" of its {useName} key") + (kid is null ? string.Empty : $" to {kid}"));
        }

        Invalidate(address);
        foreach (var change in decided)
        {
            Log.PinChangeDecided(_logger, address, change.KeyUse, Kid(change.OldKid), KeyId.FromBytes(change.NewKid).ToString(), state, actor);
        }

        return await ListAsync(address, null, false, cancellationToken);
    }

    private static void Accept(PinPlan plan, string keyUse, List<PinChangeRow> changes, IEnumerable<KeyId> stillPending, DateTime now)
    {
        var keep = stillPending.ToHashSet();
        var target = changes.OrderBy(c => c.SeenAt).ThenBy(c => c.Id).Last();
        var current = plan.Pins.FirstOrDefault(p => p.KeyUse == keyUse && p.IsCurrent);
        foreach (var pin in plan.Pins.Where(p => p.KeyUse == keyUse && p.State == "unconfirmed" && !keep.Contains(KeyId.FromBytes(p.Kid))))
        {
            bool isTarget = pin.Kid.AsSpan().SequenceEqual(target.NewKid);
            pin.State = "confirmed";
            pin.ConfirmedBy = "admin";
            pin.ConfirmedAt = now;
            pin.ReplacesKid = isTarget ? current?.Kid : null;
            plan.Dirty.Add(pin);
        }

        var next = plan.Pins.FirstOrDefault(p => p.Kid.AsSpan().SequenceEqual(target.NewKid));
        if (next is { State: "confirmed" } && !ReferenceEquals(next, current))
        {
            if (current is not null)
            {
                current.IsCurrent = false;
                plan.Dirty.Add(current);
            }

            next.IsCurrent = true;
            plan.Dirty.Add(next);
        }
    }

    private static PinChange ToChange(PinChangeRow row) => new()
    {
        Id = row.Id,
        Address = row.Address,
        Use = KeyMaterial.ParseUse(row.KeyUse),
        OldKid = row.OldKid is { } old ? KeyId.FromBytes(old).ToString() : null,
        NewKid = KeyId.FromBytes(row.NewKid).ToString(),
        SeenAt = Utc(row.SeenAt),
        Source = row.Source,
        State = row.State,
        ResolvedAt = row.ResolvedAt is { } r ? Utc(r) : null,
        ResolvedBy = row.ResolvedBy,
    };
}
