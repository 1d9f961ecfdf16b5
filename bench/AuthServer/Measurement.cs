namespace MailFilter.Bench.AuthServer;

/// <summary>One row of the report.</summary>
internal sealed record Measurement(string Path, Operation Operation, int Clients, string Load, double OpsPerSecond, double P50Ms, double P99Ms, double P999Ms, double? ServerCpuUsPerOp, long Errors);
