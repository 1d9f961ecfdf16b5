using MailFilter.AuthServer.Data;

namespace MailFilter.AuthServer.Conflicts;

/// <summary>What an observation led to: the delivery's action, and the conflict it opened, if it opened one.</summary>
public sealed record ObserveOutcome(string Action, long? ConflictId, string? Reason, ConflictRow? Opened);
