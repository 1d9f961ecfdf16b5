using System.Diagnostics;
using MailFilter.Crypto.Age;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signing;

namespace MailFilter.Crypto.Bench;

/// <summary>
/// The private-key operations mailfilter-authd will serve, done in-process by 32 concurrent workers:
/// the ceiling its socket API can approach (issue 4, second benchmark).
/// </summary>
internal static class KeyOperationBenchmark
{
    public static (double SignPerSecond, double UnwrapPerSecond) Run(TimeSpan duration, int workers = 32)
    {
        using var signing = Ed25519PrivateKey.Generate();
        using var encryption = X25519PrivateKey.Generate();
        var tbs = new byte[SigningInput.EnvelopeLength];
        SigningInput.EnvelopePrefix.CopyTo(tbs);
        using var fileKey = FileKey.Generate();
        var request = new UnwrapRequest([AgeX25519.Wrap(fileKey, encryption.PublicKey)], [encryption.KeyId]);
        var keys = new[] { encryption };

        double sign = Measure(duration, workers, () => signing.Sign(tbs));
        double unwrap = Measure(duration, workers, () =>
        {
            // authd's form: the file key goes straight into the reply buffer.
            Span<byte> key = stackalloc byte[FileKey.Size];
            request.TryUnwrap(keys, key, out _, out _);
            key.Clear();
        });
        return (sign, unwrap);
    }

    private static double Measure(TimeSpan duration, int workers, Action operation)
    {
        for (int i = 0; i < 200; i++)
        {
            operation();
        }

        long count = 0;
        var sw = Stopwatch.StartNew();
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, _ =>
        {
            long local = 0;
            while (sw.Elapsed < duration)
            {
                operation();
                local++;
            }

            Interlocked.Add(ref count, local);
        });
        return count / sw.Elapsed.TotalSeconds;
    }
}
