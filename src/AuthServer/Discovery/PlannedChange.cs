namespace MailFilter.AuthServer.Discovery;

/// <summary>A key_pin_changes row the planner asks for: accepted (by announcement) or pending, with why.</summary>
public sealed record PlannedChange(string KeyUse, byte[]? OldKid, byte[] NewKid, string State, string? ResolvedBy, string Reason);
