using System.Diagnostics;
using System.Globalization;

namespace MailFilter.Bench;

/// <summary>
/// A closed-loop load: <c>clients</c> workers, each sending its next operation when the previous one answered, for a
/// duration after a 2 s warm-up whose samples are dropped; throughput and latency percentiles of what was recorded.
/// </summary>
public static class ClosedLoop
{
    /// <param name="worker">Sets worker n up once (its own connection, say) and returns its step; the step records one
    /// sample per operation through the callback (latency in ms, whether the answer was the expected one).</param>
    public static async Task<LoadResult> RunAsync(int clients, TimeSpan duration, Func<int, Random, Action<double, bool>, Task<Func<Task>>> worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        var warmUp = TimeSpan.FromSeconds(2);
        var samples = new List<double>[clients];
        int failures = 0;
        var start = Stopwatch.GetTimestamp();
        using var stop = new CancellationTokenSource(warmUp + duration);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(n => Task.Run(async () =>
        {
            var mine = samples[n] = new List<double>(100_000);
            var step = await worker(n, new Random(n), (ms, ok) =>
            {
                if (Stopwatch.GetElapsedTime(start) < warmUp)
                {
                    return;
                }

                mine.Add(ms);
                if (!ok)
                {
                    Interlocked.Increment(ref failures);
                }
            });
            while (!stop.IsCancellationRequested)
            {
                await step();
            }
        })));
        var all = samples.SelectMany(s => s).Order().ToList();
        return new LoadResult(all.Count / duration.TotalSeconds, Percentiles.Of(all, 50), Percentiles.Of(all, 99), Percentiles.Of(all, 99.9), failures);
    }

    /// <summary>The simple case: every operation is timed as a whole and answers whether it got the expected answer.</summary>
    public static Task<LoadResult> RunAsync(int clients, TimeSpan duration, Func<Random, Task<bool>> operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return RunAsync(clients, duration, (n, random, record) => Task.FromResult<Func<Task>>(async () =>
        {
            long t0 = Stopwatch.GetTimestamp();
            bool ok = await operation(random);
            record(Stopwatch.GetElapsedTime(t0).TotalMilliseconds, ok);
        }));
    }
}

/// <summary>Operations per second and latency percentiles in ms; <see cref="Failures"/> counts unexpected answers.</summary>
public sealed record LoadResult(double PerSecond, double P50, double P99, double P999, int Failures)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{PerSecond:N0}/s p50 {P50:0.00} ms p99 {P99:0.00} ms p99.9 {P999:0.00} ms unexpected {Failures}");
}
