using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signing;
using MailFilter.Filter.Delivery;

namespace MailFilter.Filter.Tests.Delivery;

public class CachingSigningKeyResolverTests
{
    private sealed class Counting(SigningKeyRecord? record) : ISigningKeyResolver
    {
        public int Calls { get; private set; }

        public ValueTask<SigningKeyRecord?> FindSigningKeyAsync(KeyId kid, CancellationToken cancellationToken)
        {
            Calls++;
            return ValueTask.FromResult(record);
        }
    }

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UnixEpoch;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task AFoundKeyIsAskedForOncePerTtlAndAMissingOneEveryTime()
    {
        using var key = Ed25519PrivateKey.Generate();
        var record = new SigningKeyRecord(key.PublicKey, "alice@example.test", DateTimeOffset.UnixEpoch);
        var clock = new ManualClock();
        var found = new Counting(record);
        var cache = new CachingSigningKeyResolver(found, TimeSpan.FromSeconds(60), clock);
        for (int i = 0; i < 5; i++)
        {
            Assert.Same(record, await cache.FindSigningKeyAsync(key.PublicKey.KeyId, "alice@example.test", CancellationToken.None));
        }

        Assert.Equal(1, found.Calls);
        clock.Now += TimeSpan.FromSeconds(61);
        await cache.FindSigningKeyAsync(key.PublicKey.KeyId, CancellationToken.None);
        Assert.Equal(2, found.Calls);

        var missing = new Counting(null);
        var negative = new CachingSigningKeyResolver(missing, TimeSpan.FromSeconds(60), clock);
        Assert.Null(await negative.FindSigningKeyAsync(key.PublicKey.KeyId, CancellationToken.None));
        Assert.Null(await negative.FindSigningKeyAsync(key.PublicKey.KeyId, CancellationToken.None));
        Assert.Equal(2, missing.Calls);
    }

    /// <summary>Answers on a thread of its own, as .NET's socket thread completes authd's reply.</summary>
    private sealed class AnswersOnOwnThread(SigningKeyRecord record) : ISigningKeyResolver
    {
        public int ThreadId { get; private set; }

        public ValueTask<SigningKeyRecord?> FindSigningKeyAsync(KeyId kid, CancellationToken cancellationToken) =>
            new(Lab.SocketThread.Reply<SigningKeyRecord?>(record, id => ThreadId = id));
    }

    [Fact]
    public async Task AfterAskingAuthdTheVerificationContinuesOnThePoolAndACachedKeyComesWithoutAHop()
    {
        using var key = Ed25519PrivateKey.Generate();
        var inner = new AnswersOnOwnThread(new SigningKeyRecord(key.PublicKey, "alice@example.test", DateTimeOffset.UnixEpoch));
        var cache = new CachingSigningKeyResolver(inner, TimeSpan.FromSeconds(60), TimeProvider.System);
        // Outside xUnit's synchronization context, as in mailfilterd (none there).
        var (pool, thread) = await Task.Run(async () =>
        {
            await cache.FindSigningKeyAsync(key.PublicKey.KeyId, CancellationToken.None);
            return (Thread.CurrentThread.IsThreadPoolThread, Environment.CurrentManagedThreadId);
        });
        Assert.True(pool);
        Assert.NotEqual(inner.ThreadId, thread);
        Assert.True(cache.FindSigningKeyAsync(key.PublicKey.KeyId, CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task AZeroTtlAsksEveryTime()
    {
        using var key = Ed25519PrivateKey.Generate();
        var found = new Counting(new SigningKeyRecord(key.PublicKey, "alice@example.test", DateTimeOffset.UnixEpoch));
        var cache = new CachingSigningKeyResolver(found, TimeSpan.Zero, TimeProvider.System);
        await cache.FindSigningKeyAsync(key.PublicKey.KeyId, CancellationToken.None);
        await cache.FindSigningKeyAsync(key.PublicKey.KeyId, CancellationToken.None);
        Assert.Equal(2, found.Calls);
    }
}
