using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Data;
using MailFilter.AuthServer.Discovery;
using MailFilter.AuthServer.Keys;
using MailFilter.Crypto.Keys;

namespace MailFilter.AuthServer.Tests.Discovery;

/// <summary>Trust on first use and pin changes without a database (docs/authd-api.md §7.3-7.4).</summary>
public sealed class PinPlannerTests : IDisposable
{
    private const string Address = "bob@example.net";
    private static readonly DateTime s_now = new(2026, 3, 2, 10, 0, 0, DateTimeKind.Utc);
    private static readonly DateTimeOffset s_t0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly Ed25519PrivateKey _s1 = Ed25519PrivateKey.Generate();
    private readonly Ed25519PrivateKey _s2 = Ed25519PrivateKey.Generate();
    private readonly X25519PrivateKey _e1 = X25519PrivateKey.Generate();
    private readonly X25519PrivateKey _e2 = X25519PrivateKey.Generate();

    public void Dispose()
    {
        _s1.Dispose();
        _s2.Dispose();
        _e1.Dispose();
        _e2.Dispose();
    }

    [Fact]
    public void TheFirstAnswerIsTrustedWholeAndItsCurrentKeysArePinned()
    {
        var plan = Plan([], Answer([], Sign(_s1, null), Encrypt(_e1, null)));

        Assert.All(plan.Pins, p => Assert.Equal(("confirmed", "first-use", true), (p.State, p.ConfirmedBy, p.IsCurrent)));
        Assert.Equal(2, plan.FirstUse.Count);
        Assert.Empty(plan.Changes);
    }

    [Fact]
    public void ARotationSignedByTheOldKeyMovesThePinAndIsRecordedAsAccepted()
    {
        var pins = Plan([], Answer([], Sign(_s1, null), Encrypt(_e1, null))).Pins;
        var at = DateTimeOffset.UtcNow;
        var rotations = new[]
        {
            Rotation(KeyUse.Sign, _s1.KeyId, _s2.KeyId, _s1, _s2.PublicKey.ToArray(), at),
            Rotation(KeyUse.Encrypt, _e1.KeyId, _e2.KeyId, _s1, _e2.PublicKey.ToArray(), at),
        };

        var plan = Plan(pins, Answer(rotations, Sign(_s1, at), Sign(_s2, null), Encrypt(_e1, at), Encrypt(_e2, null)));

        Assert.Equal([_s2.KeyId, _e2.KeyId], plan.Pins.Where(p => p.IsCurrent).Select(p => KeyId.FromBytes(p.Kid)));
        Assert.All(plan.Changes, c => Assert.Equal(("accepted", "announcement"), (c.State, c.ResolvedBy)));
        Assert.Equal(_s1.KeyId, KeyId.FromBytes(plan.Pins.Single(p => KeyId.FromBytes(p.Kid) == _s2.KeyId).ReplacesKid!));
    }

    [Fact]
    public void ANewKeyWithoutAValidAnnouncementIsUnconfirmedAndAPendingChange()
    {
        var pins = Plan([], Answer([], Sign(_s1, null), Encrypt(_e1, null))).Pins;
        var at = DateTimeOffset.UtcNow;
        // Signed by the new key itself, not by the pinned one.
        var selfSigned = Rotation(KeyUse.Sign, _s1.KeyId, _s2.KeyId, _s2, _s2.PublicKey.ToArray(), at);

        var plan = Plan(pins, Answer([selfSigned], Sign(_s1, at), Sign(_s2, null), Encrypt(_e1, null)));

        var change = Assert.Single(plan.Changes);
        Assert.Equal(("pending", "sign"), (change.State, change.KeyUse));
        Assert.Contains("not a confirmed signing key", change.Reason, StringComparison.Ordinal);
        Assert.Equal(_s1.KeyId, KeyId.FromBytes(plan.Pins.Single(p => p.IsCurrent && p.KeyUse == "sign").Kid));
        Assert.Equal("unconfirmed", plan.Pins.Single(p => KeyId.FromBytes(p.Kid) == _s2.KeyId).State);
    }

    [Fact]
    public void AnAnnouncementSignedByARevokedKeyIsRefused()
    {
        var pins = Plan([], Answer([], Sign(_s1, null), Encrypt(_e1, null))).Pins;
        var at = DateTimeOffset.UtcNow;
        var rotation = Rotation(KeyUse.Sign, _s1.KeyId, _s2.KeyId, _s1, _s2.PublicKey.ToArray(), at);

        var plan = Plan(pins, Answer([rotation], Sign(_s1, at) with { RevokedAt = at }, Sign(_s2, null), Encrypt(_e1, null)));

        Assert.Contains("revoked", Assert.Single(plan.Changes).Reason, StringComparison.Ordinal);
        Assert.NotNull(plan.Pins.Single(p => KeyId.FromBytes(p.Kid) == _s1.KeyId).RevokedAt);
    }

    [Fact]
    public void AnAnswerWithoutKeysUnpinsNothingAndARevocationIsNeverUndone()
    {
        var pins = Plan([], Answer([], Sign(_s1, null), Encrypt(_e1, null))).Pins;
        var revoked = Plan(pins, Answer([], Sign(_s1, s_t0.AddDays(1)) with { RevokedAt = s_t0.AddDays(1) }, Encrypt(_e1, null))).Pins;

        var empty = Plan(revoked, new PeerAnswer(PeerAnswerKind.None, [], []));
        var unrevoked = Plan(revoked, Answer([], Sign(_s1, null), Encrypt(_e1, null)));

        Assert.Equal(2, empty.Pins.Count(p => p.IsCurrent));
        Assert.NotNull(unrevoked.Pins.Single(p => p.KeyUse == "sign").RevokedAt);
    }

    private static PinPlan Plan(IReadOnlyList<PinRow> pins, PeerAnswer answer)
    {
        var plan = PinPlanner.Plan(Address, "example.net", "http://127.0.0.1:8893", s_now, pins, answer);
        long id = pins.Count == 0 ? 0 : pins.Max(p => p.Id);
        foreach (var p in plan.Pins.Where(p => p.Id == 0))
        {
            p.Id = ++id; // as the repository would after inserting
        }

        return plan;
    }

    private static PeerAnswer Answer(KeyRotation[] rotations, params KeyInfo[] keys) => PeerClient.Check(Address, new DiscoveryResponse { Keys = keys, Rotations = rotations });

    private static KeyInfo Sign(Ed25519PrivateKey key, DateTimeOffset? notAfter) => FakeAnswers.Key(Address, key.PublicKey.ToArray(), KeyUse.Sign, s_t0, notAfter);

    private static KeyInfo Encrypt(X25519PrivateKey key, DateTimeOffset? notAfter) => FakeAnswers.Key(Address, key.PublicKey.ToArray(), KeyUse.Encrypt, s_t0, notAfter);

    private static KeyRotation Rotation(KeyUse use, KeyId oldKid, KeyId newKid, Ed25519PrivateKey signer, byte[] newPublicKey, DateTimeOffset at) =>
        FakeAnswers.Rotation(use, oldKid, newKid, signer.KeyId, at, RotationStatement.Sign(signer, Address, use, oldKid, newKid, newPublicKey, at));
}
