namespace MailFilter.AuthServer.Discovery;

/// <summary>
/// The HTTP client authd uses to ask peer servers (key discovery, docs/authd-api.md §7.3; registry queries,
/// docs/registry.md §4.1): no redirects, no proxy, no cookies, at most 4 connections per peer, a bounded answer, and no
/// client-level timeout (each call sets its own for connecting and reading together).
/// </summary>
internal static class PeerHttp
{
    public static HttpClient Create(TimeSpan connectTimeout, int maxAnswerBytes)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = connectTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            // Friendly to the peer's rate limits: a burst of lookups shares a few connections.
            MaxConnectionsPerServer = 4,
        };
        var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan, MaxResponseContentBufferSize = maxAnswerBytes };
        http.DefaultRequestHeaders.UserAgent.ParseAdd($"mailfilter-authd/{AuthServerHost.Version}");
        http.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        return http;
    }
}
