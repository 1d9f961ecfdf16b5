using MailFilter.Lab;

namespace MailFilter.AuthServer.Tests.Support;

/// <summary>How the AuthServer tests configure their <see cref="AuthdInstance"/>s: a public listener, a pool of 20, debug logging,
/// and mailfilterd's [milter] section beside authd's (as in a shared /etc/mailfilter/mailfilter.conf: authd ignores it).</summary>
public static class TestAuthd
{
    /// <param name="authdSettings">More of [authd].</param>
    /// <param name="sameMasterKeyAs">Another server whose master key this one uses (two authd instances on one database).</param>
    /// <param name="localDomains">[authd] local_domains.</param>
    public static AuthdOptions Options(PostgresInstance postgres, string database, string authdSettings = "", AuthdInstance? sameMasterKeyAs = null,
        string localDomains = "example.test, example.org") => new()
        {
            Postgres = postgres,
            Database = database,
            LocalDomains = localDomains,
            MasterKeyFrom = sameMasterKeyAs?.MasterKeyPath,
            AuthdSettings = authdSettings,
            DatabaseSettings = "pool_size = 20",
            Sections = "[milter]\nlisten = inet:127.0.0.1:8891\n\n[log]\nlevel = debug\n",
        };
}
