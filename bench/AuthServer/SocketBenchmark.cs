using System.Diagnostics;
using MailFilter.Bench;
using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;
using MailFilter.Crypto.Age;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signing;
using MailFilter.Lab;

namespace MailFilter.Bench.AuthServer;

/// <summary>
/// Signing and unwrapping through mailfilter-authd's unix-socket API, as mailfilterd calls it (one
/// <see cref="AuthdClient"/>, pooled keep-alive connections), by concurrent clients that each send their
/// next request when the previous answer arrives. Latency is from send to parsed answer.
/// </summary>
internal static class SocketBenchmark
{
    public static async Task<Measurement> RunAsync(AuthdInstance authd, Operation operation, int clients, TimeSpan duration, double? targetRate)
    {
        using var client = new AuthdClient(new AuthdClientOptions { SocketPath = authd.Socket, RequestTimeout = TimeSpan.FromSeconds(30) });
        // The keys exist before the clock starts (first use is not what is measured); the file key is
        // wrapped to Bob's current key with the hint, as a sealed envelope would carry it.
        var signKid = (await client.GetCurrentKeyAsync("alice@example.test", KeyUse.Sign))!.Kid;
        var bob = KeyInfoConversions.ToX25519((await client.GetCurrentKeyAsync("bob@example.test", KeyUse.Encrypt))!);
        using var fileKey = FileKey.Generate();
        var request = new UnwrapRequest([AgeX25519.Wrap(fileKey, bob)], [bob.KeyId]);
        var tbs = new byte[SigningInput.EnvelopeLength];
        SigningInput.EnvelopePrefix.CopyTo(tbs);

        async Task OneAsync(long n)
        {
            if (operation == Operation.Sign || (operation == Operation.Mixed && n % 2 == 0))
            {
                var reply = await client.SignAsync("alice@example.test", signKid, SignaturePurpose.Envelope, tbs);
                if (reply.Signature.Length != 64)
                {
                    throw new InvalidOperationException("bad signature");
                }
            }
            else
            {
                var reply = await client.UnwrapAsync("bob@example.test", request);
                if (reply.FileKey is not { Length: 16 })
                {
                    throw new InvalidOperationException("the file key did not unwrap");
                }
            }
        }

        // Warm-up: JIT, connections, authd's key cache.
        await RunWorkersAsync(clients, TimeSpan.FromSeconds(2), null, OneAsync);
        var cpuBefore = ProcessStatsCpu(authd.Process.Pid);
        var (count, errors, samples, seconds) = await RunWorkersAsync(clients, duration, targetRate, OneAsync);
        var cpu = ProcessStatsCpu(authd.Process.Pid) - cpuBefore;
        samples.Sort();
        return new Measurement("socket API", operation, clients, targetRate is { } r ? $"paced at {r:N0}/s" : "saturation", count / seconds,
            Percentiles.Of(samples, 50), Percentiles.Of(samples, 99), Percentiles.Of(samples, 99.9), cpu.TotalMilliseconds * 1000 / Math.Max(1, count), errors);
    }

    private static TimeSpan ProcessStatsCpu(int pid) => ProcessStats.CpuTime(pid);

    /// <param name="targetRate">null: each client sends as fast as answers come (saturation); a rate: the
    /// clients share a fixed schedule (catching up when late), so authd sees that offered load.</param>
    private static async Task<(long Count, long Errors, List<double> Samples, double Seconds)> RunWorkersAsync(
        int clients, TimeSpan duration, double? targetRate, Func<long, Task> operation)
    {
        var samples = new List<double>[clients];
        long errors = 0;
        var stopwatch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var local = samples[c] = new List<double>(1 << 18);
            double interval = targetRate is { } rate ? clients / rate : 0;
            double next = interval * c / clients;
            long n = c;
            while (stopwatch.Elapsed < duration)
            {
                if (interval > 0)
                {
                    double wait = next - stopwatch.Elapsed.TotalSeconds;
                    if (wait > 0.001)
                    {
                        await Task.Delay(TimeSpan.FromSeconds(wait));
                    }

                    next += interval;
                }

                long start = Stopwatch.GetTimestamp();
                try
                {
                    await operation(n++);
                    local.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                catch (AuthdException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })).ToList();
        await Task.WhenAll(workers);
        double seconds = stopwatch.Elapsed.TotalSeconds;
        var all = samples.SelectMany(s => s).ToList();
        return (all.Count, errors, all, seconds);
    }
}
