using MailFilter.Crypto.Signature;
using MailFilter.Messages;
using MailFilter.Milter;
using Microsoft.Extensions.Logging;

namespace MailFilter.Filter.Milter.Stages;

/// <summary>
/// The end of step 7 (docs/pipeline.md "Re-injection and its loop guard"): each copy (a Bcc recipient's, or a
/// recipient's with links of its own; sealed by the encrypt stage, or signed only, or only given its own body) is
/// submitted back to Postfix with the <c>X-MailFilter-Reinjected</c> guard header while the original is still at end
/// of message, and its recipient is then removed from the original (DELRCPT). If any submission fails the original is tempfailed: the client retries and nothing leaves
/// half-processed. Runs after encrypt and before trace, so no later stage can fail after a copy has left.
/// </summary>
public sealed class ReinjectStage : IOutboundStage
{
    private readonly IReinjector _reinjector;
    private readonly ReinjectionGuard _guard;
    private readonly ILogger _logger;

    public ReinjectStage(IReinjector reinjector, ReinjectionGuard guard, ILogger logger)
    {
        _reinjector = reinjector;
        _guard = guard;
        _logger = logger;
    }

    public string Name => "reinject";

    public async ValueTask<MilterResponse?> RunAsync(OutboundContext context, CancellationToken cancellationToken)
    {
        var copies = context.Copies.Where(c => !c.IsOriginal).ToList();
        if (copies.Count == 0 || copies.All(c => c.Signature is null && c.Content is null && c.Body is null))
        {
            // Nothing was signed, sealed or given links (e.g. sign = never and no key): the message names no one it
            // did not name before, and Postfix delivers to the Bcc recipients as it always does.
            return null;
        }

        var message = context.Message;
        string? messageId = message.Headers.GetValue("Message-ID");
        var original = context.Copies[0];
        foreach (var copy in copies)
        {
            var recipient = copy.CopyRecipient!;
            var guard = HeaderField.FromString(ReinjectionGuard.HeaderName, " " + _guard.Create(messageId, [recipient.Address]));
            Stream content;
            if (copy.Content is { } sealedCopy)
            {
                content = new ConcatenatedStream(new MemoryStream(GuardBytes(guard)), sealedCopy);
                copy.Content = null;
            }
            else
            {
                // Not sealed: the message as it stands, with this copy's own signature and body.
                var fields = EncryptStage.HeadersFor(SignStage.Fields(message.Headers), original, copy);
                content = new ConcatenatedStream(new MemoryStream(MessageHeaders.ToBytes([guard, .. fields])), copy.OpenBody(message));
            }

            string? queueId;
            await using (content)
            {
                try
                {
                    queueId = await _reinjector.SubmitAsync(message.Sender.Address, recipient.Address, content, cancellationToken);
                }
                catch (ReinjectionException e)
                {
                    Log.ReinjectionFailed(_logger, context.QueueId, recipient.Address, e.Message);
                    return MilterResponse.WithReply(451, "4.7.1", "could not re-inject a copy, try again later");
                }
            }

            Log.Reinjected(_logger, context.QueueId, recipient.Address, queueId ?? "-");
        }

        foreach (var copy in copies)
        {
            message.RemoveRecipient(copy.CopyRecipient!.Address);
        }

        return null;
    }

    private static byte[] GuardBytes(HeaderField guard)
    {
        using var ms = new MemoryStream();
        MessageHeaders.Write(ms, [guard]);
        return ms.ToArray();
    }
}
