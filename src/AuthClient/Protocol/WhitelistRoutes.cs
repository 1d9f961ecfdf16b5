namespace MailFilter.AuthClient.Protocol;

/// <summary>The whitelist paths (docs/whitelist.md). Unix socket unless marked public.</summary>
public static class WhitelistRoutes
{
    public const string AdminUsers = "/v1/admin/users";
    public const string AdminUsersAdd = "/v1/admin/users/add";
    public const string AdminUsersPasswd = "/v1/admin/users/passwd";
    public const string AdminUsersRemove = "/v1/admin/users/remove";
    public const string AdminWhitelist = "/v1/admin/whitelist";
    public const string AdminWhitelistAdd = "/v1/admin/whitelist/add";
    public const string AdminWhitelistRemove = "/v1/admin/whitelist/remove";

    /// <summary>Service role: the RCPT-time decision.</summary>
    public const string Check = "/v1/whitelist/check";

    /// <summary>Service role: learning from verified inbound mail (docs/whitelist.md §6).</summary>
    public const string Learn = "/v1/whitelist/learn";

    /// <summary>Public listener (loopback connections only: behind the TLS proxy): fetch the user's own list.</summary>
    public const string Fetch = "/v1/whitelist";

    /// <summary>Public listener: long poll for the next change.</summary>
    public const string Wait = "/v1/whitelist/wait";

    /// <summary>Public listener: the user adds entries to (or edits entries of) their own list.</summary>
    public const string UserAdd = "/v1/whitelist/add";

    /// <summary>Public listener: the user removes entries from their own list.</summary>
    public const string UserRemove = "/v1/whitelist/remove";

    /// <summary>Public listener: the web page on which users maintain their list, and its script.</summary>
    public const string Page = "/whitelist";

    public const string PageScript = "/whitelist.js";
}
