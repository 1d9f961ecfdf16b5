using MailFilter.AuthClient.Protocol;

namespace MailFilter.AuthClient;

/// <summary>The whitelist calls on the socket (docs/whitelist.md §2, §4): users and lists (admin), the RCPT-time check (service).</summary>
public sealed partial class AuthdClient
{
    public async Task<IReadOnlyList<UserInfo>> ListUsersAsync(string? name = null, CancellationToken cancellationToken = default) =>
        (await SendAsync<object, UserList>(HttpMethod.Get, WhitelistRoutes.AdminUsers + (name is null ? string.Empty : "?name=" + Uri.EscapeDataString(name)),
            null, null, WhitelistJson.Default.UserList, Options.RequestTimeout, cancellationToken).ConfigureAwait(false)).Users;

    public Task<UserInfo> AddUserAsync(UserAddRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, WhitelistRoutes.AdminUsersAdd, request, WhitelistJson.Default.UserAddRequest, WhitelistJson.Default.UserInfo, Options.RequestTimeout, cancellationToken);

    public Task<UserInfo> SetPasswordAsync(string name, string password, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, WhitelistRoutes.AdminUsersPasswd, new UserPasswordRequest { Name = name, Password = password },
            WhitelistJson.Default.UserPasswordRequest, WhitelistJson.Default.UserInfo, Options.RequestTimeout, cancellationToken);

    public Task<UserInfo> RemoveUserAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, WhitelistRoutes.AdminUsersRemove, new UserPasswordRequest { Name = name },
            WhitelistJson.Default.UserPasswordRequest, WhitelistJson.Default.UserInfo, Options.RequestTimeout, cancellationToken);

    public Task<WhitelistResponse> GetWhitelistAsync(string user, CancellationToken cancellationToken = default) =>
        SendAsync<object, WhitelistResponse>(HttpMethod.Get, WhitelistRoutes.AdminWhitelist + "?user=" + Uri.EscapeDataString(user), null, null,
            WhitelistJson.Default.WhitelistResponse, Options.RequestTimeout, cancellationToken);

    public Task<WhitelistChange> AddWhitelistEntriesAsync(string user, IReadOnlyList<WhitelistEntry> entries, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, WhitelistRoutes.AdminWhitelistAdd, new WhitelistAddRequest { User = user, Entries = entries },
            WhitelistJson.Default.WhitelistAddRequest, WhitelistJson.Default.WhitelistChange, Options.RequestTimeout, cancellationToken);

    public Task<WhitelistChange> RemoveWhitelistEntriesAsync(string user, IReadOnlyList<string> targets, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, WhitelistRoutes.AdminWhitelistRemove, new WhitelistRemoveRequest { User = user, Targets = targets },
            WhitelistJson.Default.WhitelistRemoveRequest, WhitelistJson.Default.WhitelistChange, Options.RequestTimeout, cancellationToken);

    /// <summary>Is <paramref name="recipient"/> on the list of the user who sends as <paramref name="sender"/>? (service role)</summary>
    public Task<WhitelistCheckResponse> CheckWhitelistAsync(string sender, string recipient, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, WhitelistRoutes.Check, new WhitelistCheckRequest { Sender = sender, Recipient = recipient },
            WhitelistJson.Default.WhitelistCheckRequest, WhitelistJson.Default.WhitelistCheckResponse, Options.RequestTimeout, cancellationToken);
}
