namespace MailFilter.Crypto.Envelope;

/// <summary>
/// What receive step 15 checks for replay: (sender, Message-ID, created), scoped to the recipient so
/// that one message to two local mailboxes is not a replay of itself.
/// </summary>
public readonly record struct ReplayKey(string Recipient, string Sender, string MessageId, DateTimeOffset Created);
