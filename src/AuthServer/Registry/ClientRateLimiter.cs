using System.Collections.Concurrent;
using System.Net;

namespace MailFilter.AuthServer.Registry;

/// <summary>
/// A token bucket per client address for the public registry paths (docs/registry.md §4.3): <c>rate</c> requests per
/// second, bursts of <c>burst</c>. At most <see cref="MaxClients"/> buckets are kept: beyond, the least recently seen
/// half is dropped (a dropped client starts with a full bucket, which only ever favours it by one burst).
/// </summary>
public sealed class ClientRateLimiter(double rate, int burst, TimeProvider? time = null)
{
    public const int MaxClients = 100_000;

    private readonly ConcurrentDictionary<IPAddress, Bucket> _buckets = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public bool Enabled => rate > 0;

    /// <summary>Takes one token for <paramref name="client"/>; false (and the seconds to wait) when it has none.</summary>
    public bool TryAcquire(IPAddress client, out int retryAfterSeconds)
    {
        retryAfterSeconds = 0;
        if (!Enabled)
        {
            return true;
        }

        if (_buckets.Count >= MaxClients)
        {
            Trim();
        }

        double now = _time.GetTimestamp() / (double)_time.TimestampFrequency;
        var bucket = _buckets.GetOrAdd(client, _ => new Bucket(burst, now));
        lock (bucket)
        {
            bucket.Tokens = Math.Min(burst, bucket.Tokens + ((now - bucket.Updated) * rate));
            bucket.Updated = now;
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                return true;
            }

            retryAfterSeconds = (int)Math.Ceiling((1 - bucket.Tokens) / rate);
            return false;
        }
    }

    private void Trim()
    {
        foreach (var stale in _buckets.OrderBy(kv => kv.Value.Updated).Take(_buckets.Count / 2).Select(kv => kv.Key).ToList())
        {
            _buckets.TryRemove(stale, out _);
        }
    }

    private sealed class Bucket(double tokens, double updated)
    {
        public double Tokens { get; set; } = tokens;

        public double Updated { get; set; } = updated;
    }
}
