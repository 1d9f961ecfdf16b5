namespace MailFilter.AuthClient.Protocol;

/// <summary>The paths of the API (docs/authd-api.md). Unix socket unless marked public.</summary>
public static class AuthdRoutes
{
    public const string Status = "/v1/status";
    public const string CurrentKey = "/v1/keys/current";
    public const string Keys = "/v1/keys";
    public const string Sign = "/v1/sign";
    public const string Unwrap = "/v1/unwrap";
    public const string AdminKeys = "/v1/admin/keys";
    public const string AdminGenerate = "/v1/admin/keys/generate";
    public const string AdminRotate = "/v1/admin/keys/rotate";
    public const string AdminRevoke = "/v1/admin/keys/revoke";
    public const string AdminImport = "/v1/admin/keys/import";
    public const string AdminExportSecret = "/v1/admin/keys/export-secret";
    public const string AdminBackup = "/v1/admin/backup";
    public const string AdminRestore = "/v1/admin/restore";
    public const string AdminPins = "/v1/admin/pins";
    public const string AdminPinsAccept = "/v1/admin/pins/accept";
    public const string AdminPinsReject = "/v1/admin/pins/reject";

    public const string RegistryRegister = "/v1/registry/register";
    public const string RegistryVerify = "/v1/registry/verify";
    public const string AdminAddresses = "/v1/admin/addresses";
    public const string AdminAddressesShow = "/v1/admin/addresses/show";
    public const string AdminAddressesRegister = "/v1/admin/addresses/register";
    public const string AdminAddressesConfirm = "/v1/admin/addresses/confirm";
    public const string AdminAddressesUnbind = "/v1/admin/addresses/unbind";
    public const string AdminAddressesRemind = "/v1/admin/addresses/remind";

    /// <summary>Public listener: registry query API (docs/registry.md §4.2).</summary>
    public const string PublicRegistryVerify = "/.well-known/mailfilter/v1/registry/verify";

    /// <summary>Public listener: health check.</summary>
    public const string Health = "/health";

    /// <summary>Public listener (and socket): key discovery, ?address= or ?kid= (kids are base64 with + and /: a query value, not a path segment).</summary>
    public const string Discovery = "/.well-known/mailfilter/v1/keys";

    /// <summary>The default socket path (DESIGN.md: runtime /run/mailfilter).</summary>
    public const string DefaultSocketPath = "/run/mailfilter/authd.sock";
}
