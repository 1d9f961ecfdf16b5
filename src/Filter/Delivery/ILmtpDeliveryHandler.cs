using MailFilter.Filter.Delivery.Lmtp;
using MailFilter.Milter;

namespace MailFilter.Filter.Delivery;

/// <summary>What the LMTP server does with a received message: one reply per accepted recipient, in RCPT order
/// (RFC 2033 §4.2). Implemented by <see cref="DeliveryAgent"/>; tests script their own.</summary>
public interface ILmtpDeliveryHandler
{
    /// <param name="transaction">MAIL FROM, the recipients, the queue id.</param>
    /// <param name="content">The message as received (dot-stuffing removed).</param>
    /// <param name="tooBig">True when the content passed the size limit and was not kept whole.</param>
    Task<IReadOnlyList<LmtpReply>> DeliverAsync(LmtpTransaction transaction, BodySpool content, bool tooBig, CancellationToken cancellationToken);
}
