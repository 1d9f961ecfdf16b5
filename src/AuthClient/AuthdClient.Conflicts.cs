using System.Globalization;
using MailFilter.AuthClient.Protocol;

namespace MailFilter.AuthClient;

/// <summary>The conflict checks (docs/conflicts.md §6): the delivery's observation (service), conflicts and the blacklist (admin); and whitelist learning (docs/whitelist.md §6).</summary>
public sealed partial class AuthdClient
{
    /// <summary>Records a delivery's signature claim and answers what to do with the recipient's copy.</summary>
    public Task<ObservationDecision> ObserveAsync(ObservationRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, ConflictRoutes.Observe, request, ConflictJson.Default.ObservationRequest, ConflictJson.Default.ObservationDecision,
            Options.RequestTimeout, cancellationToken);

    /// <summary>Verified mail from <paramref name="contact"/> was delivered to <paramref name="recipient"/>: the recipient's user learns the contact.</summary>
    public Task<WhitelistLearnResponse> LearnAsync(string recipient, string contact, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, WhitelistRoutes.Learn, new WhitelistLearnRequest { Recipient = recipient, Contact = contact },
            WhitelistJson.Default.WhitelistLearnRequest, WhitelistJson.Default.WhitelistLearnResponse, Options.RequestTimeout, cancellationToken);

    /// <summary>Conflicts, newest first; <paramref name="state"/>: blocked, resolved or all (default blocked).</summary>
    public async Task<IReadOnlyList<ConflictInfo>> ListConflictsAsync(string? state = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (state is not null)
        {
            query.Add("state=" + Uri.EscapeDataString(state));
        }

        if (limit is { } n)
        {
            query.Add("limit=" + n.ToString(CultureInfo.InvariantCulture));
        }

        return (await SendAsync<object, ConflictList>(HttpMethod.Get, ConflictRoutes.AdminConflicts + (query.Count == 0 ? string.Empty : "?" + string.Join('&', query)),
            null, null, ConflictJson.Default.ConflictList, Options.RequestTimeout, cancellationToken).ConfigureAwait(false)).Conflicts;
    }

    public Task<ConflictInfo> GetConflictAsync(long id, CancellationToken cancellationToken = default) =>
        SendAsync<object, ConflictInfo>(HttpMethod.Get, ConflictRoutes.AdminConflictShow + "?id=" + id.ToString(CultureInfo.InvariantCulture), null, null,
            ConflictJson.Default.ConflictInfo, Options.RequestTimeout, cancellationToken);

    public Task<ConflictInfo> ResolveConflictAsync(ConflictResolveRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, ConflictRoutes.AdminConflictResolve, request, ConflictJson.Default.ConflictResolveRequest, ConflictJson.Default.ConflictInfo,
            Options.RequestTimeout, cancellationToken);

    /// <summary>The blacklist: live entries, or with <paramref name="all"/> removed and expired ones too.</summary>
    public async Task<IReadOnlyList<BlacklistEntry>> ListBlacklistAsync(bool all = false, CancellationToken cancellationToken = default) =>
        (await SendAsync<object, BlacklistList>(HttpMethod.Get, ConflictRoutes.AdminBlacklist + (all ? "?all=true" : string.Empty), null, null,
            ConflictJson.Default.BlacklistList, Options.RequestTimeout, cancellationToken).ConfigureAwait(false)).Entries;

    public Task<BlacklistEntry> AddBlacklistAsync(BlacklistAddRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, ConflictRoutes.AdminBlacklistAdd, request, ConflictJson.Default.BlacklistAddRequest, ConflictJson.Default.BlacklistEntry,
            Options.RequestTimeout, cancellationToken);

    public Task<BlacklistEntry> RemoveBlacklistAsync(BlacklistRemoveRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, ConflictRoutes.AdminBlacklistRemove, request, ConflictJson.Default.BlacklistRemoveRequest, ConflictJson.Default.BlacklistEntry,
            Options.RequestTimeout, cancellationToken);
}
