using MailFilter.Mime.Fuzzing;

namespace MailFilter.Mime.Tests;

/// <summary>
/// A short mutation-fuzz run for CI (the long run is `dotnet run -c Release --project bench/Mime -- fuzz`, with its
/// result in docs/benchmarks.md).
/// </summary>
public class FuzzTests
{
    [Fact]
    public void MutatedCorpusMessagesRaiseNoExceptionButTheFormatErrorAndNeverHang()
    {
        var seeds = Corpus.Files.Where(f => f.Bytes < 256 * 1024).Select(f => f.ReadAllBytes()).ToList();
        var seed = int.Parse(Environment.GetEnvironmentVariable("MIME_FUZZ_SEED") ?? "20261121", System.Globalization.CultureInfo.InvariantCulture);
        var runner = new FuzzRunner(seeds, seed) { HangLimit = TimeSpan.FromSeconds(10), Workers = 2 };
        var result = runner.Run(3000);
        Assert.Equal(3000, result.Cases);
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Take(20)));
        Assert.True(result.Slowest < TimeSpan.FromSeconds(5), $"slowest case {result.Slowest}");
    }

    [Fact]
    public void TheFuzzerIsReproducibleFromItsSeedAndCaseNumber()
    {
        var seeds = Corpus.Files.Take(20).Select(f => f.ReadAllBytes()).ToList();
        var a = new FuzzRunner(seeds, 5).Case(123);
        var b = new FuzzRunner(seeds, 5).Case(123);
        Assert.Equal(a.Input, b.Input);
    }
}
