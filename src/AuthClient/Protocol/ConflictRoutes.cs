namespace MailFilter.AuthClient.Protocol;

/// <summary>The conflict and blacklist paths (docs/conflicts.md §6), all on the unix socket.</summary>
public static class ConflictRoutes
{
    /// <summary>Service role: record a delivery's signature claim and get the delivery decision.</summary>
    public const string Observe = "/v1/conflicts/observe";

    public const string AdminConflicts = "/v1/admin/conflicts";
    public const string AdminConflictShow = "/v1/admin/conflicts/show";
    public const string AdminConflictResolve = "/v1/admin/conflicts/resolve";
    public const string AdminBlacklist = "/v1/admin/blacklist";
    public const string AdminBlacklistAdd = "/v1/admin/blacklist/add";
    public const string AdminBlacklistRemove = "/v1/admin/blacklist/remove";
}
