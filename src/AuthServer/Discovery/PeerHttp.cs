namespace MailFilter.AuthServer.Discovery;

/// <summary>
/// The HTTP client authd uses to ask peer servers (key discovery, docs/authd-api.md §7.3; registry queries,
/// docs/registry.md §4.1): no redirects, no proxy, no cookies, at most 4 connections per peer, a bounded answer, and no
/// client-level timeout (each call sets its own for connecting and reading together).
/// </summary>
internal static class PeerHttp
{
    /// <summary>
    /// The client made on first use: a server that never asks a peer does not load the HTTP client stack (about 2 MB
    /// of resident memory in an idle authd).
    /// </summary>
    public static Lazy<HttpClient> CreateLazy(TimeSpan connectTimeout, int maxAnswerBytes) =>
        new(() => Create(connectTimeout, maxAnswerBytes), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Disposes a client made by <see cref="CreateLazy"/>, if it was made.</summary>
    public static void Dispose(Lazy<HttpClient> http)
    {
        if (http.IsValueCreated)
        {
            http.Value.Dispose();
        }
    }

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
