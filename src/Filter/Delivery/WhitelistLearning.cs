using MailFilter.AuthClient;
using MailFilter.Filter.Configuration;
using MailFilter.Messages;
using Microsoft.Extensions.Logging;

namespace MailFilter.Filter.Delivery;

/// <summary>
/// Whitelist learning (docs/whitelist.md §6): once a message with <c>mailfilter=pass</c> is stored for a recipient whose
/// policy says <c>whitelist_learn = verified</c>, its verified signer goes to the whitelist of the user who sends as the
/// recipient. It runs after the store answered: a failure is logged and changes nothing about the delivery.
/// </summary>
public sealed class WhitelistLearning(AuthdClient authd, PolicySettings policy, ILogger logger)
{
    /// <summary>True when some policy section turns learning on (otherwise the agent has no learning step).</summary>
    public static bool Enabled(PolicySettings policy) => policy.Default.WhitelistLearn || policy.Overrides.Values.Any(o => o.WhitelistLearn == true);

    public async Task ApplyAsync(InboundResult result, string recipient, string queueId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Verdict != InboundVerdict.Pass || result.Signer is not { } contact || !policy.RuleFor(recipient).WhitelistLearn || policy.IsLocal(contact))
        {
            return;
        }

        try
        {
            var learned = await authd.LearnAsync(recipient, contact, cancellationToken).ConfigureAwait(false);
            Log.WhitelistLearning(logger, queueId, recipient, contact, learned.User ?? "-", learned.Version, learned.Learned ? "learned" : learned.Reason ?? "-");
        }
        catch (AuthdException e)
        {
            Log.WhitelistLearningFailed(logger, queueId, recipient, contact, e.ErrorCode);
        }
    }
}
