using MailFilter.Filter.Configuration;
using MailFilter.Milter;
using Microsoft.Extensions.Logging;

namespace MailFilter.Filter.Milter.Stages;

/// <summary>
/// Step 1 of docs/pipeline.md. At MAIL: a message is outbound when the sender's domain is a local domain and
/// the client is authenticated (<c>{auth_authen}</c>), in <c>trusted_networks</c>, or local submission;
/// anything else is answered Accept, so Postfix sends nothing more and the message passes byte for byte
/// (inbound mail is checked at delivery). At end of message: the loop guard of re-injected copies: a
/// <c>X-MailFilter-Reinjected</c> header that verifies lets the copy through as already processed; any other
/// is removed and the message is processed like every other.
/// </summary>
public sealed class ClassifyStage : IOutboundStage
{
    private readonly PolicySettings _policy;
    private readonly ReinjectionGuard _guard;
    private readonly ILogger _logger;

    public ClassifyStage(PolicySettings policy, ReinjectionGuard guard, ILogger logger)
    {
        _policy = policy;
        _guard = guard;
        _logger = logger;
    }

    public string Name => "classify";

    public ValueTask<MilterResponse?> OnMailFromAsync(MilterContext context, EnvelopeAddress sender, CancellationToken cancellationToken)
    {
        string? how = Classify(context, sender);
        if (how is null)
        {
            Log.NotOutbound(_logger, context.QueueId ?? "-", sender.Address, context.ClientAddress ?? "-");
            return ValueTask.FromResult<MilterResponse?>(MilterResponse.Accept);
        }

        Log.Outbound(_logger, context.QueueId ?? "-", sender.Address, how);
        return ValueTask.FromResult<MilterResponse?>(null);
    }

    public ValueTask<MilterResponse?> RunAsync(OutboundContext context, CancellationToken cancellationToken)
    {
        var headers = context.Message.Headers;
        var claims = headers.GetAll(ReinjectionGuard.HeaderName).Select(h => h.Value).ToList();
        if (claims.Count == 0)
        {
            return ValueTask.FromResult<MilterResponse?>(null);
        }

        headers.RemoveAll(ReinjectionGuard.HeaderName);
        string? messageId = headers.GetValue("Message-ID");
        var recipients = context.Message.Recipients.Select(r => r.Address).ToList();
        if (claims.Count == 1 && _guard.Verify(claims[0], messageId, recipients))
        {
            // Our own Bcc copy, already signed and sealed: let it through untouched (but for the guard header).
            context.AddResult("reinjected");
            return ValueTask.FromResult<MilterResponse?>(MilterResponse.Accept);
        }

        Log.ForgedReinjectionHeader(_logger, context.QueueId, context.Message.Sender.Address, context.Milter.ClientAddress ?? "-");
        context.AddResult("reinjection-header-removed");
        return ValueTask.FromResult<MilterResponse?>(null);
    }

    /// <summary>How the message is outbound ("auth", "trusted", "local"), or null when it is not.</summary>
    internal string? Classify(MilterContext context, EnvelopeAddress sender)
    {
        // The null reverse-path (bounces) and addresses outside our domains are never signed as ours.
        if (sender.Address.Length == 0 || !_policy.IsLocal(sender.Address))
        {
            return null;
        }

        if (context.Macros.Get("auth_authen") is { Length: > 0 })
        {
            return "auth";
        }

        if (_policy.IsTrusted(context.ClientAddress))
        {
            return "trusted";
        }

        // Local submission (sendmail(1), non_smtpd_milters): Postfix passes MAIL FROM without angle brackets
        // there and always with them from smtpd (milter-protocol.md §3, "non_smtpd_milters").
        if (!sender.Raw.StartsWith('<'))
        {
            return "local";
        }

        return null;
    }
}
