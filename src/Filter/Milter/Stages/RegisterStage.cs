using System.Collections.Concurrent;
using System.Globalization;
using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;
using MailFilter.AuthClient.Registry;
using MailFilter.Crypto.Signature;
using MailFilter.Messages;
using MailFilter.Milter;
using MailFilter.Mime;

namespace MailFilter.Filter.Milter.Stages;

/// <summary>
/// Step 6 of docs/pipeline.md (docs/registry.md §5): stamps registered mail. Stamps the client sent are removed first
/// (nobody stamps his own mail). A signed message from a confirmed sender gets one registry row per copy (each copy has
/// its own signature) and <c>X-Registered: Yes</c> + <c>X-Confirmation-No</c>; anything else <c>X-Registered: No</c>.
/// The stamps are not signed fields: adding them keeps the signature valid, and encryption carries them inside.
/// authd unreachable is an <see cref="AuthdUnavailableException"/>: the pipeline tempfails (451 4.7.1).
/// A sender authd answered "not confirmed" (or "not local") for is remembered for <c>[filter] key_cache_ttl</c>, as keys
/// are: most senders never register, and their mail then costs no registry call; an address confirmed meanwhile gets
/// <c>X-Registered: Yes</c> once that time has passed (or after a reload).
/// </summary>
public sealed class RegisterStage : IOutboundStage
{
    // Beyond this many remembered senders the memory is dropped and rebuilt as mail comes.
    private const int MaxRemembered = 100_000;

    private readonly AuthdClient _authd;
    private readonly TimeSpan _notRegisteredTtl;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _notRegistered = new(StringComparer.Ordinal);

    public RegisterStage(AuthdClient authd, TimeSpan? notRegisteredTtl = null, TimeProvider? time = null)
    {
        _authd = authd;
        _notRegisteredTtl = notRegisteredTtl ?? TimeSpan.FromSeconds(60);
        _time = time ?? TimeProvider.System;
    }

    public string Name => "register";

    public async ValueTask<MilterResponse?> RunAsync(OutboundContext context, CancellationToken cancellationToken)
    {
        var headers = context.Message.Headers;
        int removed = headers.RemoveAll(RegistryClaim.RegisteredField) + headers.RemoveAll(RegistryClaim.ConfirmationNoField);
        if (removed > 0)
        {
            context.AddResult("registry-stamps-removed");
        }

        if (context.Intent is not { Sign: true } intent || context.Copies.Count == 0 || context.Copies[0].Signature is null)
        {
            headers.Insert(0, RegistryClaim.RegisteredField, "No");
            return null;
        }

        if (_notRegistered.TryGetValue(intent.Sender, out var until) && until > _time.GetUtcNow())
        {
            headers.Insert(0, RegistryClaim.RegisteredField, "No");
            context.AddResult("registered=no");
            return null;
        }

        var date = DateParser.TryParse(headers.GetValue("Date"), out var d) ? d : DateTimeOffset.UtcNow;
        string? messageId = headers.GetValue("Message-ID")?.Trim();
        var numbers = new List<string>(context.Copies.Count);
        foreach (var copy in context.Copies)
        {
            if (!SignatureHeaderValue.TryGetSignature(copy.Signature!.Value.RawValue.Span, out var signature))
            {
                throw new InvalidOperationException("the sign stage made a signature without b=");
            }

            RegisterMessageResponse answer;
            try
            {
                answer = await _authd.RegisterMessageAsync(new RegisterMessageRequest
                {
                    Sender = intent.Sender,
                    Recipients = [.. copy.Recipients.Select(r => r.Address)],
                    Date = date,
                    Signature = RegistrySignature.FromBytes(signature),
                    MessageId = messageId,
                }, cancellationToken);
            }
            catch (AuthdRequestException e) when (e.ErrorCode == "not-local")
            {
                // A [policy] local domain that mailfilter-authd does not serve ([authd] local_domains): nobody can be registered there.
                answer = new RegisterMessageResponse { Registered = false, Reason = e.ErrorCode };
            }

            if (!answer.Registered || answer.ConfirmationNo is null)
            {
                Remember(intent.Sender);
                headers.Insert(0, RegistryClaim.RegisteredField, "No");
                context.AddResult("registered=no");
                return null;
            }

            numbers.Add(answer.ConfirmationNo);
            copy.ConfirmationNo = answer.ConfirmationNo;
        }

        // The original's stamps go into the milter's header list; a Bcc copy's are applied where its headers are made.
        headers.Insert(0, RegistryClaim.ConfirmationNoField, numbers[0]);
        headers.Insert(0, RegistryClaim.RegisteredField, "Yes");
        context.AddResult("registered=" + numbers.Count.ToString(CultureInfo.InvariantCulture));
        return null;
    }

    private void Remember(string sender)
    {
        if (_notRegisteredTtl <= TimeSpan.Zero)
        {
            return;
        }

        if (_notRegistered.Count >= MaxRemembered)
        {
            _notRegistered.Clear();
        }

        _notRegistered[sender] = _time.GetUtcNow() + _notRegisteredTtl;
    }
}
