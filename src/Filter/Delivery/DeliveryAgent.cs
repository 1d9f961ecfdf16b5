using System.Diagnostics;
using MailFilter.AuthClient;
using MailFilter.Crypto.Envelope;
using MailFilter.Filter.Delivery.Lmtp;
using MailFilter.Messages;
using MailFilter.Milter;
using Microsoft.Extensions.Logging;

namespace MailFilter.Filter.Delivery;

/// <summary>
/// The inbound pipeline per recipient (docs/pipeline.md "Inbound: the delivery agent"): decrypt and verify
/// (<see cref="InboundVerifier"/>), stamp Authentication-Results, store; one LMTP reply per recipient, so one
/// recipient's failure never touches another's. Failure semantics: mailfilter-authd or its database down → 451 4.7.1
/// for that recipient; a tampered or unopenable envelope → delivered as received with mailfilter=fail; the store
/// failing → 451 4.3.0; a store's refusal of a recipient (Dovecot's 550) passed on for that recipient.
/// </summary>
public sealed class DeliveryAgent : ILmtpDeliveryHandler
{
    private readonly InboundVerifier _verifier;
    private readonly Func<string, IFileKeyUnwrapper> _unwrappers;
    private readonly IMailStore _store;
    private readonly ReplayCache _replays;
    private readonly string _authservId;
    private readonly ILogger _logger;
    private readonly FilterMetrics? _metrics;

    /// <summary>The registry check of X-Registered claims (docs/registry.md §5); null: claims are not checked (tests of other stages).</summary>
    public RegistryCheck? Registry { get; init; }

    /// <summary>The conflict check of signature claims (docs/conflicts.md); null: not checked (tests of other stages).</summary>
    public ConflictCheck? Conflicts { get; init; }

    /// <summary>Whitelist learning after a verified delivery (docs/whitelist.md §6); null: off.</summary>
    public WhitelistLearning? Learning { get; init; }

    /// <param name="verifier">Opens and verifies (with mailfilter-authd's key resolver in production).</param>
    /// <param name="unwrappers">The file-key unwrapper of a recipient (mailfilter-authd's unwrap for that address).</param>
    /// <param name="store">Maildir or Dovecot.</param>
    /// <param name="replays">Envelopes already delivered.</param>
    /// <param name="authservId">Our authserv-id (RFC 8601 §2.5).</param>
    public DeliveryAgent(InboundVerifier verifier, Func<string, IFileKeyUnwrapper> unwrappers, IMailStore store, ReplayCache replays, string authservId, ILogger logger,
        FilterMetrics? metrics = null)
    {
        _metrics = metrics;
        _verifier = verifier ?? throw new ArgumentNullException(nameof(verifier));
        _unwrappers = unwrappers ?? throw new ArgumentNullException(nameof(unwrappers));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _replays = replays ?? throw new ArgumentNullException(nameof(replays));
        _authservId = authservId;
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    public IMailStore Store => _store;

    /// <summary>The unwrap is a call to mailfilter-authd, whose reply is read on .NET's socket thread (src/Filter/Program.cs);
    /// a large envelope is decrypted and verified after it, so that work moves to the thread pool first (EventLoop.cs).</summary>
    internal sealed class OffLoopUnwrapper(IFileKeyUnwrapper inner, long messageLength) : IFileKeyUnwrapper
    {
        public async ValueTask<UnwrappedFileKey?> UnwrapAsync(UnwrapRequest request, CancellationToken cancellationToken)
        {
            var key = await inner.UnwrapAsync(request, cancellationToken).ConfigureAwait(false);
            await EventLoop.LeaveForAsync(messageLength);
            return key;
        }
    }

    public async Task<IReadOnlyList<LmtpReply>> DeliverAsync(LmtpTransaction transaction, BodySpool content, bool tooBig, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(content);
        string queueId = transaction.QueueId ?? "-";
        var replies = new List<LmtpReply>(transaction.Recipients.Count);
        foreach (var recipient in transaction.Recipients)
        {
            if (tooBig)
            {
                Log.DeliveryRefused(_logger, queueId, recipient.Address, transaction.MailFrom, LmtpReplies.TooBig.ToString());
                replies.Add(LmtpReplies.TooBig);
                continue;
            }

            replies.Add(await DeliverOneAsync(transaction, queueId, recipient, content, cancellationToken).ConfigureAwait(false));
        }

        return replies;
    }

    private async Task<LmtpReply> DeliverOneAsync(LmtpTransaction transaction, string queueId, LmtpRecipient recipient, BodySpool content, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var message = content.OpenRead();
            var guard = new DeferredReplayGuard(_replays);
            using var result = await _verifier.VerifyAsync(message, new InboundRequest
            {
                MailFrom = transaction.MailFrom,
                Recipient = recipient.Address,
                OriginalRecipient = recipient.OriginalRecipient,
                Unwrapper = new OffLoopUnwrapper(_unwrappers(recipient.Address), content.Length),
                ReplayGuard = guard,
            }, cancellationToken).ConfigureAwait(false);

            if (Registry is not null && await Registry.ApplyAsync(result, recipient.Address, recipient.OriginalRecipient, cancellationToken).ConfigureAwait(false) is { } failure)
            {
                Log.RegistryClaimFailed(_logger, queueId, recipient.Address, transaction.MailFrom, failure, Registry.Policy);
                _metrics?.SuspectedPhishing.Increment(Registry.Policy);
            }

            if (Conflicts is not null && await Conflicts.ApplyAsync(result, transaction, recipient, cancellationToken).ConfigureAwait(false) is { } held)
            {
                _metrics?.Deliveries.Increment(result.Verdict.ToString().ToLowerInvariant(), $"{held.Code / 100}xx");
                Log.DeliveryRefused(_logger, queueId, recipient.Address, transaction.MailFrom, held.ToString());
                return held;
            }

            var outcome = await _store.StoreAsync(transaction.MailFrom, recipient.Address, result.Folder, output => result.WriteTo(output, _authservId), cancellationToken).ConfigureAwait(false);
            if (outcome.Reply.IsSuccess)
            {
                guard.Commit();
                if (Learning is not null)
                {
                    await Learning.ApplyAsync(result, recipient.Address, queueId, cancellationToken).ConfigureAwait(false);
                }
            }

            _metrics?.Deliveries.Increment(result.Verdict.ToString().ToLowerInvariant(), $"{outcome.Reply.Code / 100}xx");
            _metrics?.DeliveryDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
            Log.Delivered(_logger, queueId, recipient.Address, transaction.MailFrom, result.Verdict.ToString().ToLowerInvariant(), result.Reason ?? "-",
                result.Decrypted ? "yes" : result.WasEncrypted ? "failed" : "no", _store.Name, outcome.Reply.ToString(), outcome.Detail ?? "-",
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return outcome.Reply;
        }
        catch (AuthdException e)
        {
            // Unavailable (down, timeout, database down) is transient; a refusal (403: mailfilterd not allowed) is a
            // configuration error the admin fixes. Either way the queue keeps the message (DESIGN.md, failure semantics).
            Log.AuthdFailed(_logger, queueId, recipient.Address, e.ErrorCode, e.StatusCode);
            return new LmtpReply(451, "4.7.1", $"<{recipient.Address}> key service unavailable, try again later");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.DeliveryFailed(_logger, e, queueId, recipient.Address);
            return new LmtpReply(451, "4.3.0", $"<{recipient.Address}> local error in delivery, try again later");
        }
    }
}
