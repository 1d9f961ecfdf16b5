namespace MailFilter.Mime.Fuzzing;

/// <summary>What a fuzz run did: cases run, failures (empty when all invariants held), the slowest case, the wall time.</summary>
public sealed record FuzzResult(long Cases, IReadOnlyList<string> Failures, TimeSpan Slowest, TimeSpan Elapsed);
