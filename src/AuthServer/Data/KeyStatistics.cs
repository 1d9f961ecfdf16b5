namespace MailFilter.AuthServer.Data;

/// <summary>Counts for the status call.</summary>
public sealed record KeyStatistics(long Addresses, long Current, long Retired, long Revoked);
