using MailFilter.Filter.Milter.Stages;

namespace MailFilter.Filter.Tests.Stages;

public class ReinjectionGuardTests
{
    [Fact]
    public void AHeaderVerifiesOnlyForItsMessageIdRecipientsProcessAndTime()
    {
        var clock = new ManualClock(DateTimeOffset.Parse("2026-11-21T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var guard = new ReinjectionGuard(clock);
        string value = guard.Create("<m1@example.test>", ["dave@example.test"]);
        Assert.Matches("^v=1; t=1795248000; h=[A-Za-z0-9+/]{43}=$", value);

        Assert.True(guard.Verify(value, "<m1@example.test>", ["Dave@Example.test"]));
        Assert.False(guard.Verify(value, "<m2@example.test>", ["dave@example.test"]));
        Assert.False(guard.Verify(value, "<m1@example.test>", ["bob@example.test"]));
        Assert.False(guard.Verify(value, "<m1@example.test>", ["dave@example.test", "bob@example.test"]));
        Assert.False(new ReinjectionGuard(clock).Verify(value, "<m1@example.test>", ["dave@example.test"]), "another process's key");
        Assert.False(guard.Verify(value.Replace("t=1795248000", "t=1795248001", StringComparison.Ordinal), "<m1@example.test>", ["dave@example.test"]));
        Assert.False(guard.Verify(value + "; x=1", "<m1@example.test>", ["dave@example.test"]));

        clock.Advance(TimeSpan.FromMinutes(9));
        Assert.True(guard.Verify(value, "<m1@example.test>", ["dave@example.test"]));
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.False(guard.Verify(value, "<m1@example.test>", ["dave@example.test"]), "older than 10 minutes");
    }

    [Theory]
    [InlineData("")]
    [InlineData("v=1")]
    [InlineData("v=2; t=1; h=AAAA")]
    [InlineData("v=1; t=x; h=AAAA")]
    [InlineData("v=1; v=1; t=1; h=AAAA")]
    [InlineData("v=1; t=1795248000; h=not base64!")]
    public void MalformedValuesDoNotVerify(string value) =>
        Assert.False(new ReinjectionGuard().Verify(value, "<m@x>", ["a@x"]));

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
