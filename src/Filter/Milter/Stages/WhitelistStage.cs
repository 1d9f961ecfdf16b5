using MailFilter.AuthClient;
using MailFilter.Filter.Configuration;
using MailFilter.Milter;
using Microsoft.Extensions.Logging;

namespace MailFilter.Filter.Milter.Stages;

/// <summary>
/// Step 3 of docs/pipeline.md, egress control (docs/whitelist.md §5). Runs at RCPT for messages the classify stage
/// let through (outbound: a local sender, authenticated, trusted or local): when the sender's rule is
/// <c>egress = whitelist</c>, an external recipient not on the sender's list is refused with 550 5.7.1 naming the
/// policy; local recipients and senders under <c>open</c> pass without a lookup. mailfilter-authd unavailable is a
/// 451 for that recipient. An empty list (or a sender with no user) allows no external recipient.
/// </summary>
public sealed class WhitelistStage : IOutboundStage
{
    private readonly AuthdClient _authd;
    private readonly PolicySettings _policy;
    private readonly ILogger _logger;

    public WhitelistStage(AuthdClient authd, PolicySettings policy, ILogger logger)
    {
        _authd = authd;
        _policy = policy;
        _logger = logger;
    }

    public string Name => "whitelist";

    public bool AnswersRecipients => true;

    public async ValueTask<MilterResponse?> OnRecipientAsync(MilterContext context, EnvelopeAddress recipient, CancellationToken cancellationToken)
    {
        var sender = context.Message?.Sender.Address;
        if (string.IsNullOrEmpty(sender) || _policy.RuleFor(sender).Egress != EgressPolicy.Whitelist)
        {
            return null;
        }

        string queueId = context.QueueId ?? "-";
        string rcpt = recipient.Address;
        if (_policy.IsLocal(rcpt))
        {
            Log.WhitelistDecision(_logger, queueId, sender, rcpt, "-", -1, "allowed (local recipient)");
            return null;
        }

        AuthClient.Protocol.WhitelistCheckResponse answer;
        try
        {
            answer = await _authd.CheckWhitelistAsync(sender, rcpt, cancellationToken);
        }
        catch (AuthdUnavailableException e)
        {
            Log.WhitelistUnavailable(_logger, queueId, sender, rcpt, e.ErrorCode);
            return MilterResponse.WithReply(451, "4.7.1", "whitelist service unavailable, try again later");
        }
        catch (AuthdRequestException e)
        {
            // authd refused the lookup itself (a recipient address it cannot read): not listed, so refused.
            Log.WhitelistDecision(_logger, queueId, sender, rcpt, "-", -1, "refused (" + e.ErrorCode + ")");
            return Refusal(sender, rcpt);
        }

        if (answer.Listed)
        {
            Log.WhitelistDecision(_logger, queueId, sender, rcpt, answer.User ?? "-", answer.Version, "allowed");
            return null;
        }

        Log.WhitelistDecision(_logger, queueId, sender, rcpt, answer.User ?? "-", answer.Version, answer.User is null ? "refused (no whitelist user sends as the sender)" : "refused");
        return Refusal(sender, rcpt);
    }

    public ValueTask<MilterResponse?> RunAsync(OutboundContext context, CancellationToken cancellationToken) => ValueTask.FromResult<MilterResponse?>(null);

    private static MilterResponse Refusal(string sender, string recipient) =>
        MilterResponse.WithReply(550, "5.7.1",
            $"<{recipient}>: recipient not on the whitelist of <{sender}> (egress policy whitelist); ask your mail administrator to add it (mailfilterctl whitelist add)");
}
