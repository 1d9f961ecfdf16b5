using MailFilter.AuthServer.Conflicts;
using MailFilter.Crypto.Keys;

namespace MailFilter.AuthServer.Tests.Conflicts;

/// <summary>The detection's lineages and the history check (docs/conflicts.md §2-§3), without a database.</summary>
public sealed class ConflictDeciderTests
{
    private static readonly KeyId K1 = Kid(1), K2 = Kid(2), K3 = Kid(3);

    [Fact]
    public void AnnouncedRotationsJoinKidsIntoOneLineage()
    {
        var lineage = ConflictDecider.Lineages([K1, K2, K3], [(K2, K1), (K3, K2)]);
        Assert.Single(lineage.Values.Distinct());
        Assert.Equal(2, ConflictDecider.Lineages([K1, K2, K3], [(K1, K2)]).Values.Distinct().Count());
    }

    [Fact]
    public void TheHostWithoutHistoryIsTheForger()
    {
        var verdict = Decide(Source(K1, "192.0.2.1", history: true), Source(K1, "192.0.2.4", history: false), Source(K2, "192.0.2.9", history: false));
        Assert.True(verdict.Decided);
        Assert.Equal(["192.0.2.1", "192.0.2.4"], verdict.GenuineSources); // a new host with the genuine key is not a forger
        Assert.Equal(["192.0.2.9"], verdict.ForgerSources);
        Assert.Equal([K2], verdict.ForgerKids);
    }

    [Theory]
    [InlineData(false, false, "no sending host has earlier sessions")]
    [InlineData(true, true, "sending hosts with earlier sessions used different keys")]
    public void WithoutExactlyOneLineageWithHistoryItStaysUndecided(bool first, bool second, string reason)
    {
        var verdict = Decide(Source(K1, "192.0.2.1", first), Source(K2, "192.0.2.2", second));
        Assert.False(verdict.Decided);
        Assert.StartsWith(reason, verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownHostOrAHostUsingBothKeysLeavesItUndecided()
    {
        Assert.Contains("sending host is unknown", Decide(Source(K1, "192.0.2.1", true), Source(K2, null, false)).Reason, StringComparison.Ordinal);
        Assert.Equal("sending host 192.0.2.2 used the genuine key and another one",
            Decide(Source(K1, "192.0.2.1", true), Source(K1, "192.0.2.2", false), Source(K2, "192.0.2.2", false)).Reason);
    }

    private static ConflictVerdict Decide(params WindowSource[] sources) =>
        ConflictDecider.Decide(sources, ConflictDecider.Lineages(sources.Select(s => s.Kid), []));

    private static WindowSource Source(KeyId kid, string? host, bool history) =>
        new(kid, host, "mx.test", DateTime.UtcNow, DateTime.UtcNow, 1) { History = history };

    private static KeyId Kid(byte b)
    {
        var bytes = new byte[16];
        bytes[0] = b;
        return KeyId.FromBytes(bytes);
    }
}
