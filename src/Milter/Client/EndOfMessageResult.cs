namespace MailFilter.Milter.Client;

/// <summary>What a filter sent at end of message: modifications, then one final reply.</summary>
public sealed record EndOfMessageResult(IReadOnlyList<MilterModification> Modifications, MilterClientReply Final);
