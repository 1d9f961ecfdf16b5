using System.Collections.Concurrent;
using System.Globalization;
using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Configuration;
using MailFilter.AuthServer.Data;
using MailFilter.AuthServer.Endpoints;
using MailFilter.AuthServer.Keys;
using MailFilter.Crypto.Keys;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MailFilter.AuthServer.Discovery;

/// <summary>
/// Keys of other domains' addresses for the socket API (docs/authd-api.md §7.3): fetched from the peer the
/// [discovery] map names, pinned, and answered from the pins while the last answer is fresh. Only the socket
/// endpoints hold this service; the public listener cannot reach it, so a request from outside never makes
/// authd ask another server (no discovery amplification). One fetch per address at a time (single flight),
/// at most one per refetch_interval.
/// </summary>
public sealed partial class RemoteKeyService : IDisposable
{
    // Beyond this many addresses the in-memory layer is dropped and rebuilt from the database as used.
    private const int MaxMemoryEntries = 100_000;

    private readonly ConcurrentDictionary<string, PinSnapshot> _memory = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<PinSnapshot?>>> _inflight = new(StringComparer.Ordinal);
    private readonly LiveSettings _live;
    private readonly PinRepository _pins;
    private readonly PeerClient _peers;
    private readonly ILogger _logger;

    public RemoteKeyService(LiveSettings settings, PinRepository pins, PeerClient peers, ILogger<RemoteKeyService> logger)
    {
        _live = settings;
        _pins = pins;
        _peers = peers;
        _logger = logger;
    }

    // [discovery] and [authd] key_cache_ttl as running now (a reload replaces them).
    private DiscoverySettings Settings => _live.Current.Discovery;

    private TimeSpan MemoryTtl => _live.Current.KeyCacheTtl;

    /// <summary>True when the [discovery] map names a peer for the address's domain.</summary>
    public bool Serves(string canonicalAddress) => Settings.PeerFor(canonicalAddress) is not null;

    /// <summary>The pinned current key of <paramref name="use"/>: null if the address has none (or every one is revoked); 503 when the peer does not answer or only an unconfirmed change is left.</summary>
    public async Task<KeyInfo?> GetCurrentAsync(string address, KeyUse use, CancellationToken cancellationToken)
    {
        var snapshot = await GetAsync(address, null, cancellationToken);
        var name = KeyMaterial.UseName(use);
        var current = snapshot.Pins.FirstOrDefault(p => p.KeyUse == name && p.IsCurrent);
        if (current is { RevokedAt: null })
        {
            return ToInfo(current);
        }

        if (snapshot.Pins.Any(p => p.KeyUse == name && p.State == "unconfirmed" && p.NotAfter is null))
        {
            throw Unconfirmed($"{address}: the pinned {name} key {(current is null ? "is missing" : KeyId.FromBytes(current.Kid) + " is revoked")} and the peer's new key is not confirmed yet (mailfilterctl keys pins show {address})");
        }

        return null;
    }

    /// <summary>A key by kid: confirmed pins answer, rejected or unknown kids are null, an unconfirmed one is 503 (tempfail until decided).</summary>
    public async Task<KeyInfo?> GetByKidAsync(string address, KeyId kid, CancellationToken cancellationToken)
    {
        var snapshot = await GetAsync(address, kid, cancellationToken);
        var pin = snapshot.Pins.FirstOrDefault(p => KeyId.FromBytes(p.Kid) == kid);
        return pin?.State switch
        {
            "confirmed" => ToInfo(pin),
            "unconfirmed" => throw Unconfirmed($"{address}: key {kid} differs from the pinned key and is not confirmed yet (mailfilterctl keys pins show {address})"),
            _ => null,
        };
    }

    /// <summary>The confirmed pins of an address: per use the current one first, then newest first.</summary>
    public async Task<IReadOnlyList<KeyInfo>> GetByAddressAsync(string address, CancellationToken cancellationToken) =>
        [.. (await GetAsync(address, null, cancellationToken)).Pins.Where(p => p.State == "confirmed").Select(ToInfo)];

    /// <summary>Drops the in-memory pins of an address (after an admin decision here).</summary>
    public void Invalidate(string address) => _memory.TryRemove(address, out _);

    public void Dispose() => _peers.Dispose();

    public static KeyInfo ToInfo(PinRow pin)
    {
        var use = KeyMaterial.ParseUse(pin.KeyUse);
        return new KeyInfo
        {
            Address = pin.Address,
            Use = use,
            Algorithm = pin.Algorithm,
            Kid = KeyId.FromBytes(pin.Kid).ToString(),
            PublicKey = pin.PublicKey,
            AgeRecipient = use == KeyUse.Encrypt ? X25519PublicKey.Import(pin.PublicKey).ToAgeRecipient() : null,
            NotBefore = Utc(pin.NotBefore),
            NotAfter = pin.NotAfter is { } na ? Utc(na) : null,
            RevokedAt = pin.RevokedAt is { } ra ? Utc(ra) : null,
            RevocationReason = pin.RevocationReason,
            Origin = pin.Origin,
            Pin = new KeyPin
            {
                State = pin.State,
                ConfirmedBy = pin.ConfirmedBy,
                Replaces = pin.ReplacesKid is { } r ? KeyId.FromBytes(r).ToString() : null,
                Current = pin.IsCurrent,
                Source = pin.Source,
                FirstSeen = Utc(pin.FirstSeen),
                LastSeen = Utc(pin.LastSeen),
            },
        };
    }

    /// <summary>
    /// The pins, fresh enough for the lookup: from memory, else the database, else the peer (when the last
    /// attempt is older than refetch_interval). A kid the pins do not list counts as not fresh: the peer may
    /// have made it since. When the peer fails, the last answer serves until it is max_stale old.
    /// </summary>
    private async Task<PinSnapshot> GetAsync(string address, KeyId? kid, CancellationToken cancellationToken)
    {
        var peer = Settings.PeerFor(address) ?? throw new InvalidOperationException($"no discovery peer for {address}");
        var now = DateTime.UtcNow;
        if (_memory.TryGetValue(address, out var memory) && now - memory.LoadedAt < MemoryTtl && IsFresh(memory, now) && memory.Lists(kid))
        {
            return memory;
        }

        var snapshot = await LoadAsync(address, cancellationToken);
        if (IsFresh(snapshot, now) && snapshot.Lists(kid))
        {
            return Remember(snapshot);
        }

        string why;
        bool justFailed = false;
        if (snapshot.State is { } state && now - state.AttemptedAt < Settings.RefetchInterval)
        {
            why = $"{Source(peer)} was asked {Seconds(now - state.AttemptedAt)} ago" + (state.LastError is { } e ? $" and failed: {e}" : string.Empty);
        }
        else
        {
            var lazy = _inflight.GetOrAdd(address, a => new Lazy<Task<PinSnapshot?>>(() => FetchAsync(a, peer)));
            try
            {
                if (await lazy.Value is { } fetched)
                {
                    return Remember(fetched);
                }
            }
            finally
            {
                _inflight.TryRemove(new KeyValuePair<string, Lazy<Task<PinSnapshot?>>>(address, lazy));
            }

            why = $"{Source(peer)} does not answer";
            justFailed = true;
        }

        return Stale(snapshot, now, kid, why, justFailed);
    }

    /// <summary>The last answer while it is younger than max_stale; logged (once per failed fetch, not per lookup) when it is past cache_ttl.</summary>
    private PinSnapshot Stale(PinSnapshot snapshot, DateTime now, KeyId? kid, string why, bool justFailed)
    {
        if (snapshot.Age(now) is not { } age || age >= Settings.MaxStale)
        {
            throw Unavailable($"{snapshot.Address}: no usable answer from the discovery peer: {why}");
        }

        if (!snapshot.Lists(kid))
        {
            throw Unavailable($"{snapshot.Address}: key {kid} is not among the keys the peer listed {Seconds(age)} ago and {why}; try again later");
        }

        if (justFailed && !IsFresh(snapshot, now))
        {
            Log.ServingStalePins(_logger, snapshot.Address, Seconds(age));
        }

        return snapshot;
    }

    private async Task<PinSnapshot?> FetchAsync(string address, Uri peer)
    {
        // Not the request's token: other lookups of the address wait for this fetch too; the peer client's timeout bounds it.
        var source = Source(peer);
        var domain = KeyService.DomainOf(address);
        var answer = await _peers.FetchAsync(peer, address, CancellationToken.None);
        var now = Database.Now();
        if (answer.Kind == PeerAnswerKind.Failed)
        {
            Log.PeerFetchFailed(_logger, address, source, answer.Error ?? "failed");
            try
            {
                await _pins.RecordFailureAsync(address, domain, source, now, answer.Error ?? "failed", CancellationToken.None);
            }
            catch (NpgsqlException)
            {
                // Not remembering the failure only costs another attempt.
            }

            return null;
        }

        var (plan, fresh) = await _pins.ApplyAsync(address, domain, source, now, answer,
            pins => PinPlanner.Plan(address, domain, source, now, pins, answer), CancellationToken.None);
        LogPlan(address, source, plan, fresh);
        return await LoadAsync(address, CancellationToken.None);
    }

    private void LogPlan(string address, string source, PinPlan plan, List<PlannedChange> fresh)
    {
        foreach (var (use, count, kid) in plan.FirstUse)
        {
            Log.KeysPinnedOnFirstUse(_logger, address, count, source, use, kid is null ? "none" : KeyId.FromBytes(kid).ToString());
        }

        foreach (var change in plan.Changes.Where(c => c.State == "accepted"))
        {
            Log.PinMovedByAnnouncement(_logger, address, change.KeyUse, KeyId.FromBytes(change.NewKid).ToString(), Kid(change.OldKid), source);
        }

        foreach (var change in fresh.Where(c => c.State == "pending"))
        {
            Log.PinChangeRecorded(_logger, address, source, change.KeyUse, KeyId.FromBytes(change.NewKid).ToString(), Kid(change.OldKid), change.Reason);
        }
    }

    private async Task<PinSnapshot> LoadAsync(string address, CancellationToken cancellationToken)
    {
        var (pins, state) = await _pins.LoadAsync(address, cancellationToken);
        return new PinSnapshot(address, pins, state, DateTime.UtcNow);
    }

    private PinSnapshot Remember(PinSnapshot snapshot)
    {
        if (_memory.Count >= MaxMemoryEntries)
        {
            _memory.Clear();
        }

        _memory[snapshot.Address] = snapshot;
        return snapshot;
    }

    private bool IsFresh(PinSnapshot snapshot, DateTime now) =>
        snapshot.Age(now) is { } age && age < (snapshot.State!.Found ? Settings.CacheTtl : Settings.NegativeTtl);

    private static string Source(Uri peer) => peer.GetLeftPart(UriPartial.Authority);

    private static string Kid(byte[]? kid) => kid is null ? "none" : KeyId.FromBytes(kid).ToString();

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";

    private static ApiException Unavailable(string message) => new(503, "peer-unavailable", message);

    private static ApiException Unconfirmed(string message) => new(503, "pin-unconfirmed", message);

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
