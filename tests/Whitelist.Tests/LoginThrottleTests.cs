using MailFilter.AuthServer.Whitelist;

namespace MailFilter.Whitelist.Tests;

/// <summary>The lockout arithmetic of docs/whitelist.md §3.4, on a clock the test moves.</summary>
public sealed class LoginThrottleTests
{
    [Fact]
    public void TheFifthFailureLocksTheNameForTwoSecondsAndEachFurtherFailureDoublesIt()
    {
        var clock = new TestClock();
        var throttle = new LoginThrottle(clock);
        for (int i = 0; i < 4; i++)
        {
            throttle.Failed("alice", $"192.0.2.{i}");
        }

        Assert.Null(throttle.LockedFor("alice", "192.0.2.99"));
        throttle.Failed("alice", "192.0.2.5");
        Assert.Equal(TimeSpan.FromSeconds(2), throttle.LockedFor("alice", "192.0.2.99"));

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(throttle.LockedFor("alice", "192.0.2.99"));
        throttle.Failed("alice", "192.0.2.6");
        Assert.Equal(TimeSpan.FromSeconds(4), throttle.LockedFor("alice", "192.0.2.99"));
    }

    [Fact]
    public void FailuresOlderThanTheWindowNoLongerCountAndSuccessClearsTheName()
    {
        var clock = new TestClock();
        var throttle = new LoginThrottle(clock);
        for (int i = 0; i < 4; i++)
        {
            throttle.Failed("bob", "192.0.2.1");
        }

        clock.Advance(LoginThrottle.Window + TimeSpan.FromSeconds(1));
        throttle.Failed("bob", "192.0.2.1");
        Assert.Null(throttle.LockedFor("bob", "192.0.2.1"));

        for (int i = 0; i < 3; i++)
        {
            throttle.Failed("bob", "192.0.2.1");
        }

        throttle.Succeeded("bob");
        throttle.Failed("bob", "192.0.2.1");
        Assert.Null(throttle.LockedFor("bob", "192.0.2.2"));
    }

    [Fact]
    public void TheLockoutNeverExceedsFifteenMinutes()
    {
        var clock = new TestClock();
        var throttle = new LoginThrottle(clock);
        for (int i = 0; i < 40; i++)
        {
            throttle.Failed("carol", "192.0.2.1");
        }

        Assert.Equal(LoginThrottle.MaxLockout, throttle.LockedFor("carol", "192.0.2.9"));
    }

    private sealed class TestClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
