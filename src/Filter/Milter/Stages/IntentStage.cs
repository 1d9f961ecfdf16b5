using MailFilter.Filter.Configuration;
using MailFilter.Milter;
using MailFilter.Mime;

namespace MailFilter.Filter.Milter.Stages;

/// <summary>
/// Step 2 of docs/pipeline.md: the policy for the sender (address, else domain, else <c>[policy]</c>)
/// combined with the request headers a client may set, which are removed:
/// <c>X-MailFilter-Sign: yes|no</c> (cannot turn signing off when the policy says <c>always</c>) and
/// <c>X-MailFilter-Encrypt: never|when-possible|required</c> (cannot weaken a policy of <c>required</c>) and
/// <c>X-MailFilter-Links: never|always|latest</c> (replaces the policy's <c>links</c> for the message; <c>latest</c> is
/// <c>always</c> with links that follow the newest version of each file).
/// When the message is to be signed or encrypted it also plans the copies (step 7): the original for the
/// To and Cc recipients, one more per Bcc recipient (an RCPT address absent from To and Cc), and removes any
/// Bcc header so that no copy names a Bcc recipient. A message without a Message-ID gets one: the envelope's
/// manifest and the loop guard need it; one without a Date gets one (the registry binds it).
/// </summary>
public sealed class IntentStage : IOutboundStage
{
    public const string SignRequestHeader = "X-MailFilter-Sign";
    public const string EncryptRequestHeader = "X-MailFilter-Encrypt";
    public const string LinksRequestHeader = "X-MailFilter-Links";

    private readonly PolicySettings _policy;
    private readonly string _hostname;

    public IntentStage(PolicySettings policy, string hostname)
    {
        _policy = policy;
        _hostname = hostname;
    }

    public string Name => "intent";

    public ValueTask<MilterResponse?> RunAsync(OutboundContext context, CancellationToken cancellationToken)
    {
        var message = context.Message;
        var headers = message.Headers;
        string? signRequest = headers.GetValue(SignRequestHeader);
        string? encryptRequest = headers.GetValue(EncryptRequestHeader);
        string? linksRequest = headers.GetValue(LinksRequestHeader);
        headers.RemoveAll(SignRequestHeader);
        headers.RemoveAll(EncryptRequestHeader);
        headers.RemoveAll(LinksRequestHeader);

        var rule = _policy.RuleFor(message.Sender.Address);
        bool sign = rule.Sign == SignPolicy.Always
            || (signRequest is not null && PolicyValues.TryParseSign(signRequest, out var asked) && asked == SignPolicy.Always);
        var encrypt = rule.Encrypt;
        if (encrypt != EncryptPolicy.Required && encryptRequest is not null && PolicyValues.TryParseEncrypt(encryptRequest, out var requested))
        {
            encrypt = requested;
        }

        var links = rule.Links;
        bool followLatest = false;
        switch (linksRequest?.Trim().ToLowerInvariant())
        {
            case "never":
                links = LinksPolicy.Never;
                break;
            case "always":
                links = LinksPolicy.Always;
                break;
            case "latest":
                links = LinksPolicy.Always;
                followLatest = true;
                break;
        }

        var intent = new OutboundIntent(message.Sender.Address, sign, encrypt)
        {
            Links = links,
            FollowLatest = followLatest,
            LinksStoreFailure = rule.LinksStoreFailure,
        };
        if (!intent.Processes)
        {
            return ValueTask.FromResult<MilterResponse?>(null);
        }

        context.Intent = intent;
        if (!headers.Contains("Message-ID"))
        {
            headers.Add("Message-ID", $"<{Guid.NewGuid():N}@{_hostname}>");
        }

        // The registry row binds the message's date (docs/registry.md §5): a Date is added before signing signs it.
        if (!headers.Contains("Date"))
        {
            headers.Add("Date", MailFilter.Mime.DateParser.Format(DateTimeOffset.UtcNow));
        }

        headers.RemoveAll("Bcc");
        PlanCopies(context, perRecipient: false);
        return ValueTask.FromResult<MilterResponse?>(null);
    }

    /// <summary>Splits the envelope recipients into the original's (named in To or Cc) and one copy per Bcc
    /// recipient. When every recipient is Bcc, the first one stays on the original. With
    /// <paramref name="perRecipient"/> (the links stage, when a message's links differ per recipient) every recipient
    /// gets a copy of its own: the first named one stays on the original, each other one is a copy for that address
    /// alone. Replaces any plan made before.</summary>
    internal static void PlanCopies(OutboundContext context, bool perRecipient)
    {
        foreach (var planned in context.Copies)
        {
            planned.Dispose();
        }

        context.Copies.Clear();
        var named = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in context.Message.Headers.Where(h => h.Name.Equals("To", StringComparison.OrdinalIgnoreCase) || h.Name.Equals("Cc", StringComparison.OrdinalIgnoreCase)))
        {
            foreach (var address in AddressParser.ParseList(header.Value))
            {
                switch (address)
                {
                    case MailboxAddress mailbox:
                        named.Add(mailbox.Address);
                        break;
                    case GroupAddress group:
                        named.UnionWith(group.Members.Select(m => m.Address));
                        break;
                }
            }
        }

        var main = new List<EnvelopeAddress>();
        var bcc = new List<EnvelopeAddress>();
        foreach (var r in context.Message.Recipients)
        {
            (named.Contains(r.Address) ? main : bcc).Add(r);
        }

        if (main.Count == 0 && bcc.Count > 0)
        {
            main.Add(bcc[0]);
            bcc.RemoveAt(0);
        }

        if (perRecipient && main.Count > 0)
        {
            // One address per copy (the same address given twice in RCPT stays with its first spelling's copy).
            var first = main[0];
            var own = main.Concat(bcc).Where(r => r.Address.Equals(first.Address, StringComparison.OrdinalIgnoreCase)).ToList();
            context.Copies.Add(new OutboundCopy(own, isOriginal: true));
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { first.Address };
            foreach (var r in main.Concat(bcc).Where(r => seen.Add(r.Address)))
            {
                context.Copies.Add(new OutboundCopy([r], isOriginal: false));
            }

            return;
        }

        context.Copies.Add(new OutboundCopy(main, isOriginal: true));
        foreach (var b in bcc)
        {
            context.Copies.Add(new OutboundCopy([.. main, b], isOriginal: false));
        }
    }
}
