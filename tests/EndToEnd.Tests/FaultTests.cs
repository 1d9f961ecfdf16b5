using System.Text;
using System.Text.RegularExpressions;
using MailFilter.Lab;
using Xunit.Abstractions;

namespace MailFilter.EndToEnd.Tests;

/// <summary>example.test for <see cref="FaultTests"/>: no key caches (authd's and mailfilterd's key_cache_ttl = 0), so
/// that every message needs mailfilter-authd and its database while they are down.</summary>
public sealed class UncachedExampleTest : IAsyncLifetime
{
    public MailDomain Domain { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Domain = await MailDomain.StartAsync("example.test", ["alice@example.test", "bob@example.test", "carol@example.test"],
            authdSettings: "key_cache_ttl = 0", filterSettings: "key_cache_ttl = 0");

    public async Task DisposeAsync()
    {
        if (Domain is not null)
        {
            await Domain.DisposeAsync();
        }
    }
}

/// <summary>
/// Faults during a run of 200 messages, alice to one recipient, encrypted: a dependency stops after 60 messages
/// and comes back after 140. While it is down the client gets 4xx at the end of DATA (mailfilterd cannot sign)
/// and resends later as mail clients do, and what is already queued is deferred by the delivery agent (451);
/// afterwards every message is in the mailbox exactly once.
/// </summary>
public sealed partial class FaultTests(UncachedExampleTest fixture, ITestOutputHelper output) : IClassFixture<UncachedExampleTest>
{
    private const int Messages = 200;

    private MailDomain Mail => fixture.Domain;

    [Fact]
    public Task WithMailfilterAuthdStoppedDuringTheRunAll200ArriveExactlyOnce() =>
        RunAsync("bob@example.test", "authd", Mail.StopAuthdAsync, Mail.StartAuthdAsync);

    [Fact]
    public Task WithPostgreSqlStoppedDuringTheRunAll200ArriveExactlyOnce() =>
        RunAsync("carol@example.test", "postgres", Mail.Postgres.StopAsync, Mail.Postgres.StartAgainAsync);

    private async Task RunAsync(string recipient, string tag, Func<Task> stop, Func<Task> start)
    {
        string run = tag + "-" + Guid.NewGuid().ToString("N")[..8];
        string Id(int i) => $"fault-{run}-{Delivered.Count(i)}@example.test";
        byte[] Letter(int i) => Encoding.UTF8.GetBytes(
            $"From: alice@example.test\r\nTo: {recipient}\r\nSubject: fault run {run} #{Delivered.Count(i)}\r\nMessage-ID: <{Id(i)}>\r\n" +
            $"Date: Sat, 21 Nov 2026 08:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nMessage {Delivered.Count(i)} of the run.\r\n");

        var refused = new List<int>();
        int deferredBefore = Deferrals(recipient);
        bool down = false;
        try
        {
            for (int i = 0; i < Messages; i++)
            {
                if (i == 60)
                {
                    await stop();
                    down = true;
                }
                else if (i == 140)
                {
                    await start();
                    down = false;
                }

                var sent = await Mail.SubmitAsync("alice@example.test", [recipient], Letter(i));
                if (sent.Accepted)
                {
                    continue;
                }

                Assert.True(sent.Code is >= 400 and < 500, $"message {i}: {sent}\n{Mail.Diagnostics}");
                refused.Add(i);
            }
        }
        finally
        {
            if (down)
            {
                await start();
            }
        }

        // The client sends again what was refused with 4xx.
        foreach (int i in refused)
        {
            for (int attempt = 1; ; attempt++)
            {
                var sent = await Mail.SubmitAsync("alice@example.test", [recipient], Letter(i));
                if (sent.Accepted)
                {
                    break;
                }

                Assert.True(attempt < 10 && sent.Code is >= 400 and < 500, $"message {i}, attempt {attempt}: {sent}\n{Mail.Diagnostics}");
                await Task.Delay(1000);
            }
        }

        await Mail.Postfix.FlushAsync();
        var ids = await WaitForAllAsync(recipient, Enumerable.Range(0, Messages).Select(Id).ToHashSet(), TimeSpan.FromMinutes(3));
        var counts = ids.GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(Enumerable.Range(0, Messages), i => Assert.Equal(1, counts.GetValueOrDefault(Id(i))));
        Assert.Equal(Messages, ids.Count);

        // The outage was felt: refused at submission, deferred in the queue, or both.
        int deferred = Deferrals(recipient) - deferredBefore;
        Assert.True(refused.Count > 0 || deferred > 0, "nothing was refused or deferred while " + tag + " was down");
        output.WriteLine($"{tag} down for messages 60-139: {refused.Count} refused with 4xx at submission and sent again, {deferred} deliveries deferred; {Messages} arrived once each");
        Assert.Empty(await Mail.Postfix.QueueIdsAsync());
    }

    /// <summary>Waits until every wanted Message-ID is in the mailbox; returns the Message-IDs of this run found there
    /// (with repeats, if any message arrived twice).</summary>
    private async Task<List<string>> WaitForAllAsync(string recipient, HashSet<string> wanted, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            await Mail.Postfix.FlushAsync();
            var found = (await Mail.MailboxAsync(recipient))
                .Select(m => MessageIdPattern().Match(Encoding.UTF8.GetString(m)))
                .Where(m => m.Success && wanted.Contains(m.Groups[1].Value))
                .Select(m => m.Groups[1].Value)
                .ToList();
            if (found.Distinct().Count() == wanted.Count || DateTime.UtcNow > deadline)
            {
                if (found.Distinct().Count() != wanted.Count)
                {
                    throw new TimeoutException($"{found.Distinct().Count()} of {wanted.Count} arrived\n{Mail.Diagnostics}");
                }

                await Task.Delay(3000); // anything delivered twice would show now
                return [.. (await Mail.MailboxAsync(recipient))
                    .Select(m => MessageIdPattern().Match(Encoding.UTF8.GetString(m)))
                    .Where(m => m.Success && wanted.Contains(m.Groups[1].Value))
                    .Select(m => m.Groups[1].Value)];
            }

            await Task.Delay(1000);
        }
    }

    private int Deferrals(string recipient) =>
        Regex.Matches(Mail.Postfix.Maillog, $@"to=<{Regex.Escape(recipient)}>.*status=deferred").Count;

    [GeneratedRegex(@"\r\nMessage-ID: <([^>]+)>")]
    private static partial Regex MessageIdPattern();
}
