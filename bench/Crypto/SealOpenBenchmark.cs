using System.Diagnostics;
using System.Security.Cryptography;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signing;

namespace MailFilter.Crypto.Bench;

/// <summary>
/// Seal and open one message of <c>sizeMiB</c> for <c>recipients</c> recipients, file to file as the
/// milter and the delivery agent do: the content is read from a file, the envelope and the opened
/// content are written to files under <c>outputRoot</c> (tmpfs measures the library, a disk directory
/// adds the file system's block allocation). Measures time and peak resident memory above the baseline.
/// </summary>
internal sealed class SealOpenBenchmark(int sizeMiB, int recipients, int iterations, string outputRoot) : IDisposable
{
    // 1 MiB stream buffers: one system call (and one thread-pool hop) per MiB instead of per 64 KiB
    // chunk, as the milter's and the delivery agent's spool streams should be opened.
    private const int StreamBuffer = 1 << 20;

    private readonly string _dir = Directory.CreateTempSubdirectory("mailfilter-bench-").FullName;
    private readonly string _outputDir = Directory.CreateDirectory(Path.Combine(outputRoot, "mailfilter-bench-" + Guid.NewGuid().ToString("N"))).FullName;
    private readonly Ed25519PrivateKey _sender = Ed25519PrivateKey.Generate();
    private readonly X25519PrivateKey[] _recipients = Enumerable.Range(0, recipients).Select(_ => X25519PrivateKey.Generate()).ToArray();

    public long ContentBytes => (long)sizeMiB << 20;

    public Result Seal { get; private set; } = new([], [], 0);

    public Result Open { get; private set; } = new([], [], 0);

    public long EnvelopeBytes { get; private set; }

    public async Task RunAsync()
    {
        var content = Path.Combine(_dir, "message.eml");
        WriteContent(content);
        var envelope = Path.Combine(_outputDir, "message.age");
        var spool = Path.Combine(_outputDir, "spool");
        var keys = new InMemorySigningKeyResolver();
        keys.Add(new SigningKeyRecord(_sender.PublicKey, "alice@example.org", DateTimeOffset.UnixEpoch));

        // Warm-up: JIT, libsodium, OpenSSL contexts.
        await SealOnceAsync(content, envelope);
        await OpenOnceAsync(envelope, spool, keys);

        long baseline = ProcessMemory.Baseline();
        var sealTimes = new List<double>();
        var sealCpu = new List<double>();
        for (int i = 0; i < iterations; i++)
        {
            var cpu = CpuSeconds();
            sealTimes.Add(await SealOnceAsync(content, envelope));
            sealCpu.Add(CpuSeconds() - cpu);
        }

        Seal = new Result(sealTimes, sealCpu, ProcessMemory.PeakBytes - baseline);
        EnvelopeBytes = new FileInfo(envelope).Length;

        baseline = ProcessMemory.Baseline();
        var openTimes = new List<double>();
        var openCpu = new List<double>();
        for (int i = 0; i < iterations; i++)
        {
            var cpu = CpuSeconds();
            openTimes.Add(await OpenOnceAsync(envelope, spool, keys));
            openCpu.Add(CpuSeconds() - cpu);
        }

        Open = new Result(openTimes, openCpu, ProcessMemory.PeakBytes - baseline);
    }

    public void Dispose()
    {
        _sender.Dispose();
        foreach (var key in _recipients)
        {
            key.Dispose();
        }

        Directory.Delete(_dir, recursive: true);
        Directory.Delete(_outputDir, recursive: true);
    }

    private async Task<double> SealOnceAsync(string contentPath, string envelopePath)
    {
        var request = new SealRequest
        {
            Sender = "alice@example.org",
            MessageId = "bench@example.org",
            Created = DateTimeOffset.UtcNow,
            Recipients = _recipients.Select((k, i) => new EnvelopeRecipient($"user{i}@example.net", k.PublicKey)).ToArray(),
        };
        var sw = Stopwatch.StartNew();
        await using (var input = new FileStream(contentPath, FileMode.Open, FileAccess.Read, FileShare.Read, StreamBuffer, FileOptions.SequentialScan))
        await using (var output = new FileStream(envelopePath, FileMode.Create, FileAccess.Write, FileShare.None, StreamBuffer))
        {
            await EnvelopeSealer.SealAsync(input, output, request, new LocalMessageSigner(_sender));
        }

        return sw.Elapsed.TotalSeconds;
    }

    private async Task<double> OpenOnceAsync(string envelopePath, string spoolPath, ISigningKeyResolver keys)
    {
        // The last recipient: with the hint, its stanza is found first anyway.
        var opener = new EnvelopeOpener(keys, new MemoryReplayGuard());
        var request = new OpenRequest
        {
            RecipientAddress = $"user{recipients - 1}@example.net",
            Unwrapper = new X25519FileKeyUnwrapper(_recipients[^1]),
            FromCheck = (_, _, _) => ValueTask.FromResult(true),
        };
        var sw = Stopwatch.StartNew();
        await using (var input = new FileStream(envelopePath, FileMode.Open, FileAccess.Read, FileShare.Read, StreamBuffer, FileOptions.SequentialScan))
        await using (var spool = new FileStream(spoolPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None, StreamBuffer))
        {
            var opened = await opener.OpenAsync(input, spool, request);
            if (opened.ContentLength != ContentBytes)
            {
                throw new InvalidOperationException("opened the wrong length");
            }
        }

        return sw.Elapsed.TotalSeconds;
    }

    private void WriteContent(string path)
    {
        // A message-like body: CRLF lines of base64 text, as attachments travel.
        using var output = new FileStream(path, FileMode.Create);
        var block = new byte[57 * 1024];
        long remaining = ContentBytes;
        while (remaining > 0)
        {
            RandomNumberGenerator.Fill(block);
            var line = System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(block, Base64FormattingOptions.InsertLineBreaks));
            int n = (int)Math.Min(line.Length, remaining);
            output.Write(line, 0, n);
            remaining -= n;
        }
    }

    // CPU time of the whole process (all threads, GC included): unlike wall time, other processes on a
    // shared machine do not inflate it.
    private static double CpuSeconds() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    internal sealed record Result(IReadOnlyList<double> Seconds, IReadOnlyList<double> CpuSeconds, long PeakAboveBaselineBytes)
    {
        public double MegabytesPerCpuSecond(long bytes) => bytes / 1e6 / CpuSeconds.Order().ElementAt(CpuSeconds.Count / 2);

        public double MedianSeconds => Seconds.Order().ElementAt(Seconds.Count / 2);

        public double BestSeconds => Seconds.Min();

        public double MegabytesPerSecond(long bytes) => bytes / 1e6 / MedianSeconds;

        public double BestMegabytesPerSecond(long bytes) => bytes / 1e6 / BestSeconds;
    }
}
