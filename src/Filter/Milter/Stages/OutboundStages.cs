using MailFilter.AuthClient;
using MailFilter.Filter.Configuration;
using MailFilter.Messages;
using Microsoft.Extensions.Logging;

namespace MailFilter.Filter.Milter.Stages;

/// <summary>The outbound stages in the order of docs/pipeline.md (classify, intent, whitelist when a policy uses it, links,
/// sign, register, encrypt, then the re-injection of copies), built from the settings; the trace stage is added last by <see cref="FilterDaemon"/>.</summary>
public static class OutboundStages
{
    /// <param name="guard">The process's loop guard: a reload keeps it, so that copies re-injected before the
    /// reload still verify after it (its key is random per process).</param>
    public static List<IOutboundStage> Create(FilterSettings settings, AuthdClient authd, ILoggerFactory loggerFactory, TimeProvider? time = null, ReinjectionGuard? guard = null,
        FilterMetrics? metrics = null)
    {
        var keys = new AuthdOutboundKeys(authd, settings.Policy, settings.KeyCacheTtl, time);
        guard ??= new ReinjectionGuard(time);
        var logger = loggerFactory.CreateLogger("MailFilter.Filter.Outbound");
        var spool = new SpoolOptions(settings.Milter.SpoolMemoryThreshold, settings.Milter.SpoolDirectory);
        List<IOutboundStage> stages =
        [
            new ClassifyStage(settings.Policy, guard, logger),
            new IntentStage(settings.Policy, settings.Hostname),
            new LinksStage(new AuthdAttachmentStore(authd), keys, spool, logger, metrics),
            new SignStage(keys, time),
            new RegisterStage(authd, settings.KeyCacheTtl, time),
            new EncryptStage(keys, spool, time),
            new ReinjectStage(new SmtpReinjector(settings.Reinject, settings.Hostname), guard, logger),
        ];
        if (settings.Policy.UsesWhitelist)
        {
            // After classify (only outbound senders reach it) and intent; RCPT decisions come before any end-of-message stage.
            stages.Insert(2, new WhitelistStage(authd, settings.Policy, logger));
        }

        return stages;
    }
}
