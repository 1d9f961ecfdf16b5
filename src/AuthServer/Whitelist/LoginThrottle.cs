namespace MailFilter.AuthServer.Whitelist;

/// <summary>
/// Slows down password guessing on the public listener (docs/whitelist.md §3.4): failures are counted per user
/// name and per client address over a window; past the limit each further attempt is refused without checking the
/// password until a lockout ends, which doubles with every further failure. In memory, per authd instance, with a
/// bounded number of tracked keys.
/// </summary>
public sealed class LoginThrottle(TimeProvider time)
{
    public const int NameLimit = 5;
    public const int AddressLimit = 20;
    public const int MaxTrackedKeys = 100_000;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan FirstLockout = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan MaxLockout = TimeSpan.FromMinutes(15);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Counter> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Counter> _addresses = new(StringComparer.Ordinal);
    private readonly TimeProvider _time = time;

    /// <summary>How long the name or the address is locked out now, or null if the attempt may go ahead.</summary>
    public TimeSpan? LockedFor(string name, string address)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            var a = Remaining(_names, name, now);
            var b = Remaining(_addresses, address, now);
            var longest = a > b ? a : b;
            return longest > TimeSpan.Zero ? longest : null;
        }
    }

    public void Failed(string name, string address)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            Count(_names, name, NameLimit, now);
            Count(_addresses, address, AddressLimit, now);
        }
    }

    /// <summary>A good password clears the name's count (not the address's: one address guessing many names stays slowed).</summary>
    public void Succeeded(string name)
    {
        lock (_lock)
        {
            _names.Remove(name);
        }
    }

    private static TimeSpan Remaining(Dictionary<string, Counter> counters, string key, DateTimeOffset now) =>
        counters.TryGetValue(key, out var c) && c.LockedUntil > now ? c.LockedUntil - now : TimeSpan.Zero;

    private static void Count(Dictionary<string, Counter> counters, string key, int limit, DateTimeOffset now)
    {
        if (!counters.TryGetValue(key, out var c))
        {
            if (counters.Count >= MaxTrackedKeys)
            {
                Prune(counters, now);
            }

            c = new Counter();
            counters[key] = c;
        }

        c.Failures.Enqueue(now);
        while (c.Failures.Count > 0 && now - c.Failures.Peek() > Window)
        {
            c.Failures.Dequeue();
        }

        // Bound the queue: only the count within the window matters, and it is capped well past any lockout's growth.
        while (c.Failures.Count > limit + 32)
        {
            c.Failures.Dequeue();
        }

        if (c.Failures.Count >= limit)
        {
            int doublings = Math.Min(c.Failures.Count - limit, 20);
            var lockout = TimeSpan.FromTicks(Math.Min(FirstLockout.Ticks << doublings, MaxLockout.Ticks));
            c.LockedUntil = now + lockout;
        }
    }

    private static void Prune(Dictionary<string, Counter> counters, DateTimeOffset now)
    {
        foreach (var (key, c) in counters.ToList())
        {
            if (c.LockedUntil <= now && (c.Failures.Count == 0 || now - c.Failures.Peek() > Window))
            {
                counters.Remove(key);
            }
        }

        // Still full (a flood of distinct keys): forget the oldest half rather than grow without bound.
        if (counters.Count >= MaxTrackedKeys)
        {
            foreach (var key in counters.OrderBy(p => p.Value.Failures.Count == 0 ? DateTimeOffset.MinValue : p.Value.Failures.Peek()).Take(counters.Count / 2).Select(p => p.Key).ToList())
            {
                counters.Remove(key);
            }
        }
    }

    private sealed class Counter
    {
        public Queue<DateTimeOffset> Failures { get; } = new();

        public DateTimeOffset LockedUntil { get; set; }
    }
}
