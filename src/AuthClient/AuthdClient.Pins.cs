using MailFilter.AuthClient.Protocol;

namespace MailFilter.AuthClient;

/// <summary>The pin administration calls (docs/authd-api.md §8, admin role): keys of other domains pinned by discovery, and changes of them.</summary>
public sealed partial class AuthdClient
{
    /// <summary>Pinned keys and pin changes, of one address or one domain or all; <paramref name="pendingOnly"/>: unconfirmed keys and pending changes only.</summary>
    public Task<PinsResponse> ListPinsAsync(string? address = null, string? domain = null, bool pendingOnly = false, CancellationToken cancellationToken = default) =>
        SendAsync<object, PinsResponse>(HttpMethod.Get, WithQuery(AuthdRoutes.AdminPins, ("address", address), ("domain", domain), ("state", pendingOnly ? "pending" : null)),
            null, null, AuthdJson.Default.PinsResponse, Options.RequestTimeout, cancellationToken);

    /// <summary>Confirms the pending pin changes of an address: the new keys are used from now on. 404 "no-change" when none is pending.</summary>
    public Task<PinsResponse> AcceptPinAsync(PinDecisionRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, AuthdRoutes.AdminPinsAccept, request, AuthdJson.Default.PinDecisionRequest, AuthdJson.Default.PinsResponse, Options.RequestTimeout, cancellationToken);

    /// <summary>Rejects the pending pin changes of an address: the new keys are never used; the confirmed ones stay. 404 "no-change" when none is pending.</summary>
    public Task<PinsResponse> RejectPinAsync(PinDecisionRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, AuthdRoutes.AdminPinsReject, request, AuthdJson.Default.PinDecisionRequest, AuthdJson.Default.PinsResponse, Options.RequestTimeout, cancellationToken);
}
