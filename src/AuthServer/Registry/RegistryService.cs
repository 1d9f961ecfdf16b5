using System.Security.Cryptography;
using System.Text;
using MailFilter.AuthClient.Protocol;
using MailFilter.AuthClient.Registry;
using MailFilter.AuthServer.Configuration;
using MailFilter.AuthServer.Data;
using MailFilter.AuthServer.Endpoints;
using MailFilter.Crypto.Envelope;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MailFilter.AuthServer.Registry;

/// <summary>
/// The message registry (docs/registry.md §2-§4): registers one copy of a signed message for a confirmed sender, and
/// answers queries, locally for local senders and through the peer's public API for senders of a [discovery] domain.
/// </summary>
public sealed class RegistryService
{
    private const int MaxRecipients = 1000;

    private readonly RegistryRepository _repository;
    private readonly LiveSettings _live;
    private readonly RegistryPeerClient _peers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public RegistryService(RegistryRepository repository, LiveSettings settings, RegistryPeerClient peers, ILogger logger, TimeProvider? time = null)
    {
        _repository = repository;
        _live = settings;
        _peers = peers;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    public bool IsLocal(string canonicalAddress) => _live.Current.LocalDomains.Contains(canonicalAddress[(canonicalAddress.LastIndexOf('@') + 1)..]);

    public async Task<RegisterMessageResponse> RegisterAsync(RegisterMessageRequest request, CancellationToken cancellationToken)
    {
        var sender = RegistryQueryParser.Address("sender", request.Sender);
        if (request.Recipients is not { Count: > 0 and <= MaxRecipients })
        {
            throw ApiException.BadRequest($"recipients: give 1 to {MaxRecipients} addresses");
        }

        var recipients = request.Recipients.Select(r => RegistryQueryParser.Address("recipients", r)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (!RegistrySignature.TryNormalize(request.Signature, out var signature))
        {
            throw ApiException.BadRequest("signature: not 128 hexadecimal characters");
        }

        if (request.MessageId is { Length: > 998 } || (request.MessageId is { } id && id.Any(char.IsControl)))
        {
            throw ApiException.BadRequest("messageId: longer than 998 characters or with control characters");
        }

        if (!IsLocal(sender))
        {
            throw ApiException.NotFound("not-local", $"{sender} is not in a local domain");
        }

        var utc = request.Date.ToUniversalTime();
        var date = new DateTime(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        for (int attempt = 1; ; attempt++)
        {
            var now = Database.Now();
            var number = ConfirmationNumber.Create(new DateTimeOffset(now), sender);
            try
            {
                bool inserted = await _repository.InsertIfConfirmedAsync(new RegistrationRow
                {
                    ConfirmationNo = number.Text,
                    Sender = sender,
                    Recipients = recipients,
                    MessageDate = date,
                    Signature = signature,
                    MessageId = request.MessageId?.Trim('<', '>', ' '),
                    RegisteredAt = now,
                    ExpiresAt = now + _live.Current.Registry.Retention,
                }, cancellationToken);
                if (!inserted)
                {
                    return new RegisterMessageResponse { Registered = false, Reason = "not-confirmed" };
                }

                Log.MessageRegistered(_logger, sender, number.Text, recipients.Length);
                return new RegisterMessageResponse { Registered = true, ConfirmationNo = number.Text };
            }
            catch (PostgresException e) when (RegistryRepository.IsUniqueViolation(e) && attempt < 3)
            {
                // 2^-80 per pair: draw another number.
            }
        }
    }

    /// <summary>The local registry's answer (public listener, and the socket for local senders).</summary>
    public async Task<RegistryAnswer> VerifyLocalAsync(ValidQuery query, CancellationToken cancellationToken)
    {
        var row = await _repository.FindAsync(query.Number.Text, Database.Now(), cancellationToken);
        if (row is null)
        {
            return new RegistryAnswer { Result = RegistryAnswer.NotRegistered };
        }

        bool matches = row.Sender == query.Sender
            && query.Number.Address == query.Sender
            && row.Recipients.Contains(query.Recipient, StringComparer.Ordinal)
            && DateTime.SpecifyKind(row.MessageDate, DateTimeKind.Utc) == query.Date.UtcDateTime
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(row.Signature), Encoding.ASCII.GetBytes(query.Signature));
        if (!matches)
        {
            Log.RegistryMismatch(_logger, query.Number.Text);
            return new RegistryAnswer { Result = RegistryAnswer.Mismatch };
        }

        return new RegistryAnswer
        {
            Result = RegistryAnswer.Match,
            RegisteredAt = new DateTimeOffset(DateTime.SpecifyKind(row.RegisteredAt, DateTimeKind.Utc)),
            Display = row.DisplayCompany is null && row.DisplayName is null ? null : new RegistryDisplay { Company = row.DisplayCompany, Name = row.DisplayName },
        };
    }

    /// <summary>The socket's answer: the local registry for local senders, the [discovery] peer's otherwise (docs/registry.md §4.1).</summary>
    public async Task<RegistryAnswer> VerifyAsync(ValidQuery query, CancellationToken cancellationToken)
    {
        if (IsLocal(query.Sender))
        {
            return await VerifyLocalAsync(query, cancellationToken);
        }

        var domain = query.Sender[(query.Sender.LastIndexOf('@') + 1)..];
        if (_live.Current.Discovery.PeerFor(query.Sender) is not { } peer)
        {
            return new RegistryAnswer { Result = RegistryAnswer.Unknown, Reason = $"no registry for {domain}" };
        }

        return await _peers.VerifyAsync(peer, query, cancellationToken);
    }

    /// <summary>Deletes expired rows in batches until none is left (or 100 batches).</summary>
    public async Task<int> CleanupAsync(CancellationToken cancellationToken)
    {
        int total = 0;
        for (int i = 0; i < 100; i++)
        {
            int n = await _repository.DeleteExpiredAsync(Database.Now(), 10_000, cancellationToken);
            total += n;
            if (n < 10_000)
            {
                break;
            }
        }

        if (total > 0)
        {
            Log.RegistrationsExpired(_logger, total);
        }

        return total;
    }

    internal static string Canonical(string address) => AddressCanonicalizer.Canonicalize(address);
}
