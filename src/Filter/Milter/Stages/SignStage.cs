using MailFilter.AuthClient;
using MailFilter.Crypto.Signature;
using MailFilter.Messages;
using MailFilter.Milter;

namespace MailFilter.Filter.Milter.Stages;

/// <summary>
/// Step 5 of docs/pipeline.md: a <c>MailFilter-Signature</c> header (docs/signature-header.md) made with the
/// sender's key, the digest signed inside mailfilter-authd. Each copy gets its own signature, whose
/// <c>env=</c> binds that copy's recipients only; the original's goes at the top of the message, the Bcc
/// copies' are kept for the copies. Headers and body are signed exactly as they stand (a message whose MIME
/// does not parse is signed as bytes: the signature covers bytes, not structure).
/// </summary>
public sealed class SignStage : IOutboundStage
{
    /// <summary>authd's answer when the kid a signer was made with is no longer the current key (authd-api.md §3.4).</summary>
    internal const string KeyRotated = "key-rotated";

    private readonly IOutboundKeys _keys;
    private readonly TimeProvider _time;

    public SignStage(IOutboundKeys keys, TimeProvider? time = null)
    {
        _keys = keys;
        _time = time ?? TimeProvider.System;
    }

    public string Name => "sign";

    public async ValueTask<MilterResponse?> RunAsync(OutboundContext context, CancellationToken cancellationToken)
    {
        if (context.Intent is not { Sign: true } intent)
        {
            return null;
        }

        var headers = Fields(context.Message.Headers);
        var now = _time.GetUtcNow();

        for (int attempt = 1; ; attempt++)
        {
            context.Signer ??= await _keys.GetSignerAsync(intent.Sender, cancellationToken);
            try
            {
                await SignCopiesAsync(context, intent, headers, now, cancellationToken);
                break;
            }
            catch (AuthdRequestException e) when (e.ErrorCode == KeyRotated && attempt == 1)
            {
                // The sender's key was rotated since it was cached: ask for the current one and sign again.
                _keys.Forget(intent.Sender);
                context.Signer = null;
            }
        }

        var original = context.Copies[0];
        original.InsertedSignature = context.Message.Headers.Insert(0, SignatureHeader.FieldName, MessageSigning.ToHeaderValue(original.Signature!.Value));
        context.AddResult("signed");
        return null;
    }

    /// <summary>Each copy's signature, binding that copy's recipients (signature-header.md §4).</summary>
    private static async Task SignCopiesAsync(OutboundContext context, OutboundIntent intent, List<HeaderField> headers, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var copy in context.Copies)
        {
            // Hashing the body is the CPU-heavy part: off the socket's event loop when it is large, and left again for
            // each copy, since the previous copy's signature came back from authd on .NET's socket thread.
            await EventLoop.LeaveForAsync(copy.BodyLength(context.Message));
            await using var body = copy.OpenBody(context.Message);
            copy.Signature = await MessageSigning.SignAsync(headers, body, new SignatureHeaderRequest
            {
                Sender = intent.Sender,
                MailFrom = context.Message.Sender.Address,
                Recipients = [.. copy.Recipients.Select(r => r.Address)],
                Timestamp = now,
            }, context.Signer!, cancellationToken);
        }
    }

    /// <summary>The milter's header list as (name, raw value) fields, top first.</summary>
    internal static List<HeaderField> Fields(IEnumerable<MessageHeader> headers) =>
        [.. headers.Select(h => new HeaderField(h.Name, h.RawValue))];
}
