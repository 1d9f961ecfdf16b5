using System.Diagnostics;

namespace MailFilter.Mime.Fuzzing;

/// <summary>
/// Runs numbered cases over seed messages on several workers. Case i of seed s is reproducible: its input and
/// mutations come from a Random seeded with a mix of s and i. A watchdog reports any case running longer than the
/// hang limit.
/// </summary>
public sealed class FuzzRunner
{
    private readonly IReadOnlyList<byte[]> _seeds;
    private readonly int _seed;

    public FuzzRunner(IReadOnlyList<byte[]> seeds, int seed)
    {
        _seeds = seeds;
        _seed = seed;
    }

    public TimeSpan HangLimit { get; init; } = TimeSpan.FromSeconds(30);

    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>The input of case <paramref name="index"/> and the Random that drives its checks.</summary>
    public (byte[] Input, Random Random) Case(long index)
    {
        var random = new Random(Mix(_seed, index));
        var original = _seeds[random.Next(_seeds.Count)];
        return (Mutator.Mutate(original, random, _seeds), random);
    }

    public FuzzResult Run(long cases, Action<string>? progress = null)
    {
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var next = -1L;
        var done = 0L;
        var slowest = 0L;
        var running = new long[Workers];
        Array.Fill(running, -1L);
        var started = new long[Workers];
        var sw = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var watchdog = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(1000).ConfigureAwait(false);
                for (var w = 0; w < running.Length; w++)
                {
                    var index = Interlocked.Read(ref running[w]);
                    if (index >= 0 && sw.ElapsedMilliseconds - Interlocked.Read(ref started[w]) > HangLimit.TotalMilliseconds)
                    {
                        failures.Add($"case {index} (seed {_seed}) ran longer than {HangLimit.TotalSeconds} s");
                        Interlocked.Exchange(ref running[w], -1);
                    }
                }

                progress?.Invoke($"{Interlocked.Read(ref done):N0} cases, {sw.Elapsed.TotalSeconds:F0} s, {failures.Count} failures");
            }
        });

        var workers = Enumerable.Range(0, Workers).Select(w => Task.Factory.StartNew(() =>
        {
            long index;
            while ((index = Interlocked.Increment(ref next)) < cases)
            {
                Interlocked.Exchange(ref started[w], sw.ElapsedMilliseconds);
                Interlocked.Exchange(ref running[w], index);
                var t0 = Stopwatch.GetTimestamp();
                var (input, random) = Case(index);
                try
                {
                    FuzzCase.Run(input, random);
                }
                catch (FuzzFailure ex)
                {
                    failures.Add($"case {index} (seed {_seed}): {ex.Message}");
                }

                var ms = (long)Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                InterlockedMax(ref slowest, ms);
                Interlocked.Exchange(ref running[w], -1);
                Interlocked.Increment(ref done);
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        Task.WaitAll(workers);
        stop.Cancel();
        watchdog.Wait();
        return new FuzzResult(done, [.. failures], TimeSpan.FromMilliseconds(slowest), sw.Elapsed);
    }

    /// <summary>SplitMix64 of (seed, index): the same case in every process (HashCode is randomised per process).</summary>
    private static int Mix(int seed, long index)
    {
        var z = ((ulong)(uint)seed << 32) ^ (ulong)index;
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)(z ^ (z >> 31));
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
