namespace MailFilter.Filter.Delivery;

/// <summary>Where a verified message goes: a Maildir (<see cref="MaildirStore"/>) or Dovecot over LMTP
/// (<see cref="DovecotLmtpStore"/>). The outcome's reply is what the recipient's LMTP reply becomes.</summary>
public interface IMailStore
{
    /// <summary>"maildir" or "dovecot", for the log line.</summary>
    string Name { get; }

    /// <summary>
    /// Stores one recipient's copy, into the inbox or, when <paramref name="folder"/> is set, into that folder of the
    /// recipient's mailbox (a name <see cref="Configuration.DeliverySettings.IsFolderName"/> accepts).
    /// <paramref name="writeMessage"/> writes the message (stamped) to the stream it is given. A 2xx reply means the
    /// message is durable; 4xx keeps it in Postfix's queue; 5xx bounces this recipient.
    /// </summary>
    Task<StoreOutcome> StoreAsync(string mailFrom, string recipient, string? folder, Action<Stream> writeMessage, CancellationToken cancellationToken);
}
