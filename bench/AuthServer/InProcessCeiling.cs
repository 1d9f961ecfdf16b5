using System.Diagnostics;
using MailFilter.Bench;
using MailFilter.Crypto.Age;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signing;

namespace MailFilter.Bench.AuthServer;

/// <summary>
/// The same private-key operations authd performs per request, done in this process by the same number of
/// workers with no socket, HTTP or JSON in between: the ceiling the socket API can approach on this machine.
/// </summary>
internal static class InProcessCeiling
{
    public static Measurement Run(Operation operation, int workers, TimeSpan duration)
    {
        using var signing = Ed25519PrivateKey.Generate();
        using var encryption = X25519PrivateKey.Generate();
        var tbs = new byte[SigningInput.EnvelopeLength];
        SigningInput.EnvelopePrefix.CopyTo(tbs);
        using var fileKey = FileKey.Generate();
        var request = new UnwrapRequest([AgeX25519.Wrap(fileKey, encryption.PublicKey)], [encryption.KeyId]);
        var keys = new[] { encryption };

        void Sign() => signing.Sign(tbs);
        void Unwrap()
        {
            // authd's form: the file key goes straight into the reply buffer.
            Span<byte> key = stackalloc byte[FileKey.Size];
            request.TryUnwrap(keys, key, out _, out _);
            key.Clear();
        }

        for (int i = 0; i < 500; i++)
        {
            Sign();
            Unwrap();
        }

        var samples = new List<double>[workers];
        var stopwatch = Stopwatch.StartNew();
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            var local = samples[w] = new List<double>(1 << 20);
            long n = 0;
            while (stopwatch.Elapsed < duration)
            {
                long start = Stopwatch.GetTimestamp();
                if (operation == Operation.Sign || (operation == Operation.Mixed && n % 2 == 0))
                {
                    Sign();
                }
                else
                {
                    Unwrap();
                }

                local.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                n++;
            }
        });
        double seconds = stopwatch.Elapsed.TotalSeconds;
        var all = samples.SelectMany(s => s).Order().ToList();
        return new Measurement("in-process", operation, workers, "saturation", all.Count / seconds,
            Percentiles.Of(all, 50), Percentiles.Of(all, 99), Percentiles.Of(all, 99.9), null, 0);
    }
}
