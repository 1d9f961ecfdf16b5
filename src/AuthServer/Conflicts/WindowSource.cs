using MailFilter.Crypto.Keys;

namespace MailFilter.AuthServer.Conflicts;

/// <summary>One (kid, sending host) of a pair's deliveries within the window, with its history (docs/conflicts.md §2).</summary>
public sealed record WindowSource(KeyId Kid, string? Address, string? Helo, DateTime First, DateTime Last, long Count)
{
    /// <summary>The host had sessions with the recipient under the identity before the window.</summary>
    public bool History { get; init; }
}
