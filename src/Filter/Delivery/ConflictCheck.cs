using System.Globalization;
using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;
using MailFilter.Filter.Delivery.Lmtp;
using MailFilter.Messages;
using Microsoft.Extensions.Logging;

namespace MailFilter.Filter.Delivery;

/// <summary>
/// Step 4 of the inbound pipeline (docs/conflicts.md §1-§4): every signed message's claim (signer identity and kid,
/// verified or not), the sending host (XFORWARD ADDR and HELO) and the recipient go to mailfilter-authd, which records the
/// observation and answers: deliver, tempfail (a conflict holds the pair: 451, the queue keeps the mail) or refuse (the
/// host or the key is blacklisted: 550 5.7.1). authd unavailable throws (the delivery tempfails, as for every authd call).
/// </summary>
public sealed class ConflictCheck(AuthdClient authd, ILogger logger)
{
    /// <summary>The reply that replaces delivery, or null to deliver.</summary>
    public async Task<LmtpReply?> ApplyAsync(InboundResult result, LmtpTransaction transaction, LmtpRecipient recipient, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(recipient);
        if (result.Signer is null || result.SignerKid is not { } kid)
        {
            return null; // unsigned: nothing claims an identity
        }

        ObservationDecision decision;
        try
        {
            decision = await authd.ObserveAsync(new ObservationRequest
            {
                Identity = result.Signer,
                Kid = kid.ToString(),
                ClientAddress = transaction.ClientAddress,
                Helo = transaction.ClientHelo,
                Recipient = recipient.Address,
                QueueId = transaction.QueueId,
                Verified = result.Verdict == InboundVerdict.Pass,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AuthdRequestException e) when (e.StatusCode == 400)
        {
            // A recipient address authd cannot canonicalize: nothing to observe; the message is judged as usual.
            Log.ObservationRefused(logger, transaction.QueueId ?? "-", recipient.Address, e.Message);
            return null;
        }

        string conflict = decision.Conflict is { } id ? " (conflict " + id.ToString(CultureInfo.InvariantCulture) + ")" : string.Empty;
        LmtpReply? reply = decision.Action switch
        {
            ObservationDecision.Deliver => null,
            ObservationDecision.Refuse => new LmtpReply(550, "5.7.1", $"<{recipient.Address}> refused: {decision.Reason ?? "blacklisted"}{(decision.Reason?.Contains("conflict", StringComparison.Ordinal) == true ? string.Empty : conflict)}"),
            _ => new LmtpReply(451, "4.7.1", $"<{recipient.Address}> signatures of {result.Signer} in conflict{conflict}: held until resolved, try again later"),
        };
        if (reply is not null)
        {
            Log.ConflictHeld(logger, transaction.QueueId ?? "-", recipient.Address, result.Signer, kid.ToString(), transaction.ClientAddress ?? "unknown", reply.ToString());
        }

        return reply;
    }
}
