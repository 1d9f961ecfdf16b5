using System.Diagnostics;
using MailFilter.Milter;
using MailFilter.Milter.Wire;
using Microsoft.Extensions.Logging;

namespace MailFilter.Filter.Milter;

/// <summary>
/// mailfilterd's milter handler: collects each message, runs the outbound stages in order at end of
/// message, and logs one line per message keyed by the Postfix queue id. A stage that throws makes the
/// message tempfail (the MTA keeps it); nothing is sent half-processed.
/// </summary>
public sealed class OutboundPipeline : MilterHandler
{
    // Outbound decisions are made from MAIL on: the CONNECT and HELO steps are not needed, and skipping them saves
    // two round trips per SMTP session (Postfix opens one milter connection per session). What they carried comes as
    // macros at MAIL instead. With no stage that refuses recipients, RCPT needs no answer either (NoReplyRecipient).
    private static readonly MilterFeatures s_answeringRecipients = new()
    {
        Protocol = new MilterFeatures().Protocol | MilterProtocolFlags.NoConnect | MilterProtocolFlags.NoHelo,
        // Only the stages listed are replaced; the others keep Postfix's configured lists.
        Macros = new Dictionary<MacroStage, string>
        {
            [MacroStage.MailFrom] = "i j {daemon_name} {client_addr} {client_name} {auth_type} {auth_authen} {mail_addr}",
            [MacroStage.Recipient] = "i {rcpt_addr}",
            [MacroStage.EndOfMessage] = "i",
        },
    };

    private static readonly MilterFeatures s_silentRecipients = new()
    {
        Protocol = s_answeringRecipients.Protocol | MilterProtocolFlags.NoReplyRecipient,
        Macros = s_answeringRecipients.Macros,
    };

    // The stages each message runs through, pinned at MAIL: a reload (SIGHUP) swaps _stages, and a message
    // already started finishes with the stages (and so the policy) it began with.
    private const string StagesItem = "mailfilter.stages";

    private volatile IReadOnlyList<IOutboundStage> _stages;
    private readonly ILogger _logger;
    private readonly FilterMetrics? _metrics;

    private readonly MilterFeatures? _fixedFeatures;
    private volatile MilterFeatures _features;

    public OutboundPipeline(IReadOnlyList<IOutboundStage> stages, ILogger<OutboundPipeline> logger)
        : this(stages, logger, null)
    {
    }

    /// <summary>Tests may negotiate differently (e.g. without HDR_LEADSPC) to see both Postfix behaviours.</summary>
    internal OutboundPipeline(IReadOnlyList<IOutboundStage> stages, ILogger<OutboundPipeline> logger, MilterFeatures? features, FilterMetrics? metrics = null)
    {
        _stages = stages;
        _metrics = metrics;
        _logger = logger;
        _fixedFeatures = features;
        _features = FeaturesFor(stages);
    }

    /// <summary>Read once per milter connection, at negotiation: a reload that adds or removes a stage answering at RCPT
    /// applies to connections opened after it (a refusal an older connection cannot give at RCPT refuses the whole
    /// message instead, see MilterSession).</summary>
    public override MilterFeatures Features => _features;

    private MilterFeatures FeaturesFor(IReadOnlyList<IOutboundStage> stages) =>
        _fixedFeatures ?? (stages.Any(s => s.AnswersRecipients) ? s_answeringRecipients : s_silentRecipients);

    public override async ValueTask<MilterResponse> OnMailFromAsync(MilterContext context, EnvelopeAddress sender, CancellationToken cancellationToken)
    {
        var stages = _stages;
        context.Items[StagesItem] = stages;
        foreach (var stage in stages)
        {
            if (await stage.OnMailFromAsync(context, sender, cancellationToken) is { } verdict)
            {
                if (verdict.Kind == MilterResponseKind.Accept)
                {
                    return verdict; // not refused: let through untouched (the stage logs why)
                }

                Log.SenderRefused(_logger, context.QueueId ?? "-", sender.Address, stage.Name, verdict);
                return verdict;
            }
        }

        return MilterResponse.Continue;
    }

    public override async ValueTask<MilterResponse> OnRecipientAsync(MilterContext context, EnvelopeAddress recipient, bool rejectedByMta, CancellationToken cancellationToken)
    {
        foreach (var stage in StagesOf(context))
        {
            if (await stage.OnRecipientAsync(context, recipient, cancellationToken) is { } verdict)
            {
                Log.RecipientRefused(_logger, context.QueueId ?? "-", recipient.Address, stage.Name, verdict);
                return verdict;
            }
        }

        return MilterResponse.Continue;
    }

    /// <summary>The stages the next message runs through.</summary>
    public IReadOnlyList<IOutboundStage> Stages => _stages;

    /// <summary>Makes <paramref name="stages"/> the stages of every message whose MAIL comes after this call;
    /// messages already started keep theirs.</summary>
    public void ReplaceStages(IReadOnlyList<IOutboundStage> stages)
    {
        ArgumentNullException.ThrowIfNull(stages);
        _features = FeaturesFor(stages);
        _stages = stages;
    }

    private IReadOnlyList<IOutboundStage> StagesOf(MilterContext context) =>
        context.Items.TryGetValue(StagesItem, out var pinned) && pinned is IReadOnlyList<IOutboundStage> stages ? stages : _stages;

    public override async ValueTask<MilterResponse> OnEndOfMessageAsync(MilterContext context, MilterMessage message, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var outbound = new OutboundContext(context, message);
        MilterResponse verdict = MilterResponse.Continue;
        string decidedBy = "-";
        try
        {
            foreach (var stage in StagesOf(context))
            {
                var stageStarted = Stopwatch.GetTimestamp();
                var final = await stage.RunAsync(outbound, cancellationToken);
                _metrics?.StageDuration.Observe(Stopwatch.GetElapsedTime(stageStarted).TotalSeconds, stage.Name);
                if (final is not null)
                {
                    verdict = final;
                    decidedBy = stage.Name;
                    break;
                }
            }
        }
        catch (AuthClient.AuthdUnavailableException e)
        {
            // DESIGN.md failure semantics: authd or its database down is transient; never send plaintext instead.
            Log.AuthdUnavailable(_logger, outbound.QueueId, e.ErrorCode);
            verdict = MilterResponse.WithReply(451, "4.7.1", "mail filter key service unavailable, try again later");
            decidedBy = "error";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.StageFailed(_logger, e, outbound.QueueId);
            verdict = MilterResponse.Tempfail;
            decidedBy = "error";
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        if (_metrics is not null)
        {
            _metrics.Messages.Increment(FilterMetrics.Outcome(verdict, outbound.Results));
            _metrics.MessageDuration.Observe(elapsed.TotalSeconds);
        }

        Log.Message(_logger, outbound.QueueId, message.Sender.Address, message.Recipients.Count, message.Body.Length,
            outbound.Results.Count == 0 ? "passed" : string.Join(",", outbound.Results), verdict, decidedBy, elapsed.TotalMilliseconds);
        return verdict;
    }
}
