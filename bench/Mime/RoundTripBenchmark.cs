using MailFilter.Bench;
using System.Diagnostics;

namespace MailFilter.Mime.Bench;

/// <summary>Parse + write round trips on one thread: small messages per second, MB/s on the 50 MB message, and its peak memory.</summary>
internal static class RoundTripBenchmark
{
    /// <summary>Round trips of <paramref name="message"/> per second (from memory to a reused memory stream), median of runs.</summary>
    public static double SmallPerSecond(byte[] message, int runs, TimeSpan perRun)
    {
        var output = new MemoryStream(message.Length * 2);
        RunSmall(message, output, TimeSpan.FromSeconds(1));
        var results = new List<double>();
        for (var r = 0; r < runs; r++)
        {
            results.Add(RunSmall(message, output, perRun));
        }

        results.Sort();
        return results[results.Count / 2];
    }

    private static double RunSmall(byte[] message, MemoryStream output, TimeSpan duration)
    {
        var sw = Stopwatch.StartNew();
        long count = 0;
        while (sw.Elapsed < duration)
        {
            for (var i = 0; i < 1000; i++)
            {
                using var m = MimeMessage.Load(message);
                output.SetLength(0);
                m.WriteTo(output);
            }

            count += 1000;
        }

        if (output.Length != message.Length)
        {
            throw new InvalidOperationException("the round trip changed the message");
        }

        return count / sw.Elapsed.TotalSeconds;
    }

    /// <summary>Seconds for one round trip of the file: read from a FileStream, written to a counting sink. Median of runs.</summary>
    public static double LargeSeconds(string path, int runs)
    {
        RunLarge(path);
        var results = new List<double>();
        for (var r = 0; r < runs; r++)
        {
            results.Add(RunLarge(path));
        }

        results.Sort();
        return results[results.Count / 2];
    }

    public static double RunLarge(string path)
    {
        var sw = Stopwatch.StartNew();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.SequentialScan);
        using var message = MimeMessage.Load(stream);
        var sink = new CountingStream();
        message.WriteTo(sink);
        sw.Stop();
        if (sink.Length != stream.Length)
        {
            throw new InvalidOperationException("the round trip changed the message");
        }

        return sw.Elapsed.TotalSeconds;
    }

    /// <summary>MB/s decoding the attachment of the large message (streamed from the file), median of runs after a warm-up.</summary>
    public static double DecodeMegabytesPerSecond(string path, int runs)
    {
        var results = new List<double>();
        for (var r = 0; r <= runs; r++)
        {
            using var stream = File.OpenRead(path);
            using var message = MimeMessage.Load(stream);
            var part = message.Attachments.Single();
            var sw = Stopwatch.StartNew();
            part.CopyDecodedTo(new CountingStream());
            if (r > 0)
            {
                results.Add(part.EncodedLength / 1e6 / sw.Elapsed.TotalSeconds);
            }
        }

        results.Sort();
        return results[results.Count / 2];
    }

    /// <summary>Run in a fresh process: peak RSS above the baseline while round-tripping the file.</summary>
    public static long PeakAboveBaseline(string path)
    {
        RunLarge(path);
        var baseline = ProcessStats.ResetPeak();
        RunLarge(path);
        return ProcessStats.PeakResident(Environment.ProcessId) - baseline;
    }
}
