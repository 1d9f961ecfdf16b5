using MailFilter.Crypto.Keys;

namespace MailFilter.AuthServer.Conflicts;

/// <summary>A checked observation request: canonical addresses, the kid parsed, the host's address in its text form.</summary>
public sealed record Observation(string Identity, KeyId Kid, string? Address, string? Helo, string Recipient, string? QueueId, bool Verified);
