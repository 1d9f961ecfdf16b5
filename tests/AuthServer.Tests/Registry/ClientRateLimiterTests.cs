using System.Net;
using MailFilter.AuthServer.Registry;

namespace MailFilter.AuthServer.Tests.Registry;

/// <summary>docs/registry.md §4.3: a token bucket per client.</summary>
public sealed class ClientRateLimiterTests
{
    [Fact]
    public void ABurstIsAllowedThenTheClientWaitsAndOthersAreNotAffected()
    {
        var time = new ManualTime();
        var limiter = new ClientRateLimiter(2, 5, time);
        var a = IPAddress.Parse("192.0.2.1");
        for (int i = 0; i < 5; i++)
        {
            Assert.True(limiter.TryAcquire(a, out _));
        }

        Assert.False(limiter.TryAcquire(a, out int retry));
        Assert.Equal(1, retry);
        Assert.True(limiter.TryAcquire(IPAddress.Parse("192.0.2.2"), out _));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limiter.TryAcquire(a, out _));
        Assert.True(limiter.TryAcquire(a, out _));
        Assert.False(limiter.TryAcquire(a, out _));
    }

    [Fact]
    public void RateZeroLimitsNothing()
    {
        var limiter = new ClientRateLimiter(0, 1);
        Assert.All(Enumerable.Range(0, 100), _ => Assert.True(limiter.TryAcquire(IPAddress.Loopback, out _)));
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
