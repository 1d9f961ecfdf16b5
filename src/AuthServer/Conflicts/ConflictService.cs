using System.Globalization;
using System.Net;
using System.Text.Json;
using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Configuration;
using MailFilter.AuthServer.Data;
using MailFilter.AuthServer.Endpoints;
using MailFilter.AuthServer.Registry;
using MailFilter.AuthServer.Whitelist;
using MailFilter.Crypto.Keys;
using Microsoft.Extensions.Logging;

namespace MailFilter.AuthServer.Conflicts;

/// <summary>
/// Forged signature claims (docs/conflicts.md): checks the delivery agent's observations and answers its decision,
/// the admin's conflicts and blacklist, notices to the recipient and the admin, and the pruning of old observations.
/// </summary>
public sealed class ConflictService
{
    /// <summary>Most conflicts one list answers.</summary>
    public const int MaxList = 1000;

    private const int PruneBatch = 10_000;

    private readonly ConflictRepository _repository;
    private readonly LiveSettings _live;
    private readonly string _host;
    private readonly ILogger _logger;
    private readonly List<Task> _notices = [];

    private readonly AuthdMetrics? _metrics;

    public ConflictService(ConflictRepository repository, LiveSettings settings, ILogger<ConflictService> logger, AuthdMetrics? metrics = null)
    {
        _metrics = metrics;
        _repository = repository;
        _live = settings;
        _host = Dns.GetHostName();
        _logger = logger;
    }

    /// <summary>The running [conflicts] settings (a reload replaces them for the next observation).</summary>
    public ConflictSettings Settings => _live.Current.Conflicts;

    private string NoticeFrom => Settings.NoticeFrom ?? "mailfilter-conflicts@" + (_live.Current.LocalDomains.Order(StringComparer.Ordinal).FirstOrDefault() ?? "localhost");

    private SmtpSubmitter Smtp => new(_live.Current.Registry.SmtpHost, _live.Current.Registry.SmtpPort, _host, TimeSpan.FromSeconds(30));

    public async Task<ObservationDecision> ObserveAsync(ObservationRequest request, CancellationToken cancellationToken)
    {
        var o = Check(request);
        var outcome = await _repository.ObserveAsync(o, Settings.Window, cancellationToken);
        _metrics?.Observations.Increment(outcome.Action);
        if (outcome.Opened is { } opened)
        {
            _metrics?.Conflicts.Increment(opened.State);
            if (opened.State == "blocked")
            {
                Log.ConflictBlocked(_logger, opened.Id, opened.Identity, opened.Recipient, opened.Reason);
            }
            else
            {
                Log.ConflictDecided(_logger, opened.Id, opened.Identity, opened.Recipient, string.Join(",", opened.ForgerSources ?? []), opened.Reason);
            }

            Notify(opened);
        }

        if (outcome.Action != ObservationDecision.Deliver)
        {
            Log.DeliveryHeld(_logger, o.QueueId ?? "-", o.Identity, o.Recipient, o.Address ?? "unknown", o.Kid.ToString(), outcome.Action, outcome.Reason ?? "-");
        }

        return new ObservationDecision { Action = outcome.Action, Conflict = outcome.ConflictId, Reason = outcome.Reason };
    }

    public async Task<IReadOnlyList<ConflictInfo>> ListAsync(string? state, string? limitText, CancellationToken cancellationToken)
    {
        string? filter = state switch
        {
            null or "blocked" => "blocked",
            "resolved" => "resolved",
            "all" => null,
            _ => throw ApiException.BadRequest($"state must be blocked, resolved or all, not \"{state}\""),
        };
        int limit = MaxList;
        if (limitText is not null && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxList))
        {
            throw ApiException.BadRequest($"limit must be a number from 1 to {MaxList}, not \"{limitText}\"");
        }

        return [.. (await _repository.ListAsync(filter, limit, cancellationToken)).Select(ToInfo)];
    }

    public async Task<ConflictInfo> GetAsync(string? idText, CancellationToken cancellationToken)
    {
        long id = Id(idText);
        return await _repository.GetAsync(id, cancellationToken) is { } row ? ToInfo(row) : throw ApiException.NotFound("not-found", $"no conflict {id}");
    }

    public async Task<ConflictInfo> ResolveAsync(ConflictResolveRequest request, string actor, CancellationToken cancellationToken)
    {
        if (request.Id is not { } id || id < 1)
        {
            throw ApiException.BadRequest("id: give the conflict's number (mailfilterctl conflicts list)");
        }

        bool release = request.Release == true;
        if (release == (request.Genuine is not null))
        {
            throw ApiException.BadRequest("give exactly one of genuine (the genuine sending host's address) and release");
        }

        string? genuine = request.Genuine is null ? null : HostAddress(request.Genuine, "genuine");
        var row = await _repository.ResolveAsync(id, genuine, release, actor, cancellationToken);
        Log.ConflictResolved(_logger, row.Id, row.Identity, row.Recipient, row.Decision ?? "-", actor);
        Notify(row);
        return ToInfo(row);
    }

    public async Task<IReadOnlyList<BlacklistEntry>> ListBlacklistAsync(string? all, CancellationToken cancellationToken) =>
        [.. (await _repository.ListBlacklistAsync(all switch
        {
            null or "false" => false,
            "true" => true,
            _ => throw ApiException.BadRequest($"all must be true or false, not \"{all}\""),
        }, cancellationToken)).Select(ToEntry)];

    public async Task<BlacklistEntry> AddBlacklistAsync(BlacklistAddRequest request, string actor, CancellationToken cancellationToken)
    {
        if ((request.Address is null) == (request.Kid is null))
        {
            throw ApiException.BadRequest("give exactly one of address (a sending host) and kid (a key id)");
        }

        string? address = request.Address is null ? null : HostAddress(request.Address, "address");
        KeyId? kid = request.Kid is null ? null : Kid(request.Kid, "kid");
        string? identity = request.Identity is null ? null : WhitelistInput.Address(request.Identity, "identity");
        var reason = request.Reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > 500 || reason.Any(char.IsControl))
        {
            throw ApiException.BadRequest("reason: 1 to 500 characters of text, no control characters");
        }

        if (request.Until is { } until && until <= DateTimeOffset.UtcNow)
        {
            throw ApiException.BadRequest($"until: {until:O} is not in the future");
        }

        var row = await _repository.AddBlacklistAsync(address, kid, identity, reason, request.Until?.UtcDateTime, actor, cancellationToken);
        Log.BlacklistChanged(_logger, row.Id, row.Address ?? KeyId.FromBytes(row.Kid!).ToString(), "added", actor);
        return ToEntry(row);
    }

    public async Task<BlacklistEntry> RemoveBlacklistAsync(BlacklistRemoveRequest request, string actor, CancellationToken cancellationToken)
    {
        int given = (request.Id is null ? 0 : 1) + (request.Address is null ? 0 : 1) + (request.Kid is null ? 0 : 1);
        if (given != 1)
        {
            throw ApiException.BadRequest("give exactly one of id, address and kid");
        }

        if (request.Id is < 1)
        {
            throw ApiException.BadRequest($"id: {request.Id} is not an entry number");
        }

        string? address = request.Address is null ? null : HostAddress(request.Address, "address");
        KeyId? kid = request.Kid is null ? null : Kid(request.Kid, "kid");
        var row = await _repository.RemoveBlacklistAsync(request.Id, address, kid, actor, cancellationToken);
        Log.BlacklistChanged(_logger, row.Id, row.Address ?? KeyId.FromBytes(row.Kid!).ToString(), "removed", actor);
        return ToEntry(row);
    }

    /// <summary>One pruning pass (authd runs it every cleanup_interval): old observations and stale history, in batches.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        int total = 0;
        int deleted;
        do
        {
            deleted = await _repository.PruneAsync(Settings.Retention, Settings.HistoryRetention, PruneBatch, cancellationToken);
            total += deleted;
        }
        while (deleted > 0 && !cancellationToken.IsCancellationRequested);
        if (total > 0)
        {
            Log.ObservationsPruned(_logger, total);
        }

        return total;
    }

    /// <summary>Waits for the notices being submitted (shutdown, tests).</summary>
    public Task DrainAsync()
    {
        lock (_notices)
        {
            return Task.WhenAll(_notices);
        }
    }

    /// <summary>The host address of a request: an IPv4 or IPv6 address (Postfix's <c>IPV6:</c> prefix allowed), in PostgreSQL's text form.</summary>
    public static string HostAddress(string text, string field)
    {
        var t = text.StartsWith("IPV6:", StringComparison.OrdinalIgnoreCase) ? text[5..] : text;
        if (t.Length > 64 || !IPAddress.TryParse(t, out var ip) || t.Contains('/', StringComparison.Ordinal) || t.Contains('%', StringComparison.Ordinal))
        {
            throw ApiException.BadRequest($"{field}: \"{Clip(text)}\" is not an IP address");
        }

        return (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString();
    }

    private static Observation Check(ObservationRequest r)
    {
        var identity = WhitelistInput.Address(r.Identity, "identity");
        var recipient = WhitelistInput.Address(r.Recipient, "recipient");
        var kid = Kid(r.Kid, "kid");
        string? address = r.ClientAddress is null ? null : HostAddress(r.ClientAddress, "clientAddress");
        if (r.Helo is { } helo && (helo.Length is 0 or > 255 || helo.Any(c => c is < '!' or > '~')))
        {
            throw ApiException.BadRequest($"helo: \"{Clip(helo)}\" is not 1 to 255 printable ASCII characters");
        }

        if (r.QueueId is { } q && (q.Length is 0 or > 32 || !q.All(char.IsAsciiLetterOrDigit)))
        {
            throw ApiException.BadRequest($"queueId: \"{Clip(q)}\" is not 1 to 32 letters and digits");
        }

        return new Observation(identity, kid, address, r.Helo, recipient, r.QueueId, r.Verified);
    }

    private static KeyId Kid(string? text, string field) =>
        text is not null && KeyId.TryParse(text, out var kid) ? kid : throw ApiException.BadRequest($"{field}: \"{Clip(text ?? string.Empty)}\" is not a key id (22 characters of base64)");

    private static long Id(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long id) && id > 0
            ? id : throw ApiException.BadRequest($"id: \"{Clip(text ?? string.Empty)}\" is not a conflict number");

    private static string Clip(string text) => text.Length > 80 ? text[..80] + "..." : text;

    private void Notify(ConflictRow row)
    {
        var task = Task.Run(async () =>
        {
            try
            {
                if (row.State == "resolved")
                {
                    await Smtp.SendAsync(NoticeFrom, row.Recipient, ConflictMail.RecipientNotice(NoticeFrom, row, Settings.Window, _host), CancellationToken.None);
                    await _repository.MarkNotifiedAsync(row.Id, CancellationToken.None);
                }

                if (Settings.Admin is { } admin)
                {
                    await Smtp.SendAsync(NoticeFrom, admin, ConflictMail.AdminNotice(NoticeFrom, admin, row, Settings.Window, _host), CancellationToken.None);
                }
            }
            catch (Exception e) when (e is IOException or Npgsql.NpgsqlException)
            {
                Log.NoticeFailed(_logger, row.Id, e.Message);
            }
        });
        lock (_notices)
        {
            _notices.RemoveAll(t => t.IsCompleted);
            _notices.Add(task);
        }
    }

    private static ConflictInfo ToInfo(ConflictRow r) => new()
    {
        Id = r.Id,
        Identity = r.Identity,
        Recipient = r.Recipient,
        State = r.State,
        Reason = r.Reason,
        Decision = r.Decision,
        Kids = [.. r.Kids.Select(k => KeyId.FromBytes(k).ToString())],
        Sources = JsonSerializer.Deserialize(r.Sources, ConflictJson.Default.IReadOnlyListConflictSource) ?? [],
        WindowStart = Utc(r.WindowStart),
        OpenedAt = Utc(r.OpenedAt),
        GenuineKids = r.GenuineKids?.Select(k => KeyId.FromBytes(k).ToString()).ToList(),
        GenuineSources = r.GenuineSources,
        ForgerKids = r.ForgerKids?.Select(k => KeyId.FromBytes(k).ToString()).ToList(),
        ForgerSources = r.ForgerSources,
        ResolvedAt = r.ResolvedAt is { } t ? Utc(t) : null,
        ResolvedBy = r.ResolvedBy,
        NotifiedAt = r.NotifiedAt is { } n ? Utc(n) : null,
    };

    private static BlacklistEntry ToEntry(BlacklistRow r) => new()
    {
        Id = r.Id,
        Address = r.Address,
        Kid = r.Kid is null ? null : KeyId.FromBytes(r.Kid).ToString(),
        Identity = r.Identity,
        Reason = r.Reason,
        Conflict = r.ConflictId,
        Created = Utc(r.CreatedAt),
        CreatedBy = r.CreatedBy,
        Until = r.Until is { } u ? Utc(u) : null,
        Removed = r.RemovedAt is { } x ? Utc(x) : null,
        RemovedBy = r.RemovedBy,
    };

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));
}
