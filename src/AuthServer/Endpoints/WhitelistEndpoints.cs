using System.Globalization;
using System.Net;
using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Access;
using MailFilter.AuthServer.Whitelist;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace MailFilter.AuthServer.Endpoints;

/// <summary>
/// A user's own list on the public listener (docs/whitelist.md §3: fetch, changes since a version, long poll), loopback
/// connections only (the TLS proxy), and the RCPT-time check on the socket (§4, service role).
/// </summary>
public static class WhitelistEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, WhitelistService whitelists, ILogger logger)
    {
        routes.MapPost(WhitelistRoutes.Fetch, context => PublicAsync(context, logger, whitelists, wait: false));

        routes.MapPost(WhitelistRoutes.Wait, context => PublicAsync(context, logger, whitelists, wait: true));

        routes.MapPost(WhitelistRoutes.Check, async context =>
        {
            Api.Require(context, PeerRole.Service);
            var request = await Api.ReadAsync(context, WhitelistJson.Default.WhitelistCheckRequest);
            await Api.WriteAsync(context, await whitelists.CheckAsync(request, context.RequestAborted), WhitelistJson.Default.WhitelistCheckResponse);
        });
    }

    /// <summary>Public paths this group serves (AuthServerHost lets them through on the public listener).</summary>
    public static bool IsPublic(PathString path) => path == WhitelistRoutes.Fetch || path == WhitelistRoutes.Wait;

    private static async Task PublicAsync(HttpContext context, ILogger logger, WhitelistService whitelists, bool wait)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (remote is not null && !IPAddress.IsLoopback(remote))
        {
            Log.WhitelistNotTls(logger, remote.ToString());
            throw new ApiException(StatusCodes.Status403Forbidden, "tls-required", "whitelist calls are served over https only: connect through the TLS proxy");
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = WhitelistLimits.MaxPublicBodyBytes;
        }

        var request = await Api.ReadAsync(context, WhitelistJson.Default.WhitelistLoginRequest);
        try
        {
            var client = ClientAddress(context);
            var answer = wait
                ? await whitelists.WaitAsync(request, client, context.RequestAborted)
                : await whitelists.FetchAsync(request, client, context.RequestAborted);
            await Api.WriteAsync(context, answer, WhitelistJson.Default.WhitelistResponse);
        }
        catch (LoginFailedException e)
        {
            if (e.RetryAfter is { } retry)
            {
                context.Response.Headers.RetryAfter = Math.Ceiling(retry.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            }

            throw new ApiException(e.RetryAfter is null ? StatusCodes.Status401Unauthorized : StatusCodes.Status429TooManyRequests, "authentication-failed", "authentication failed");
        }
    }

    /// <summary>The connection's address, or behind the local TLS proxy the last address of X-Forwarded-For (the one the proxy appended).</summary>
    private static string ClientAddress(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;
        var forwarded = context.Request.Headers["X-Forwarded-For"].ToString();
        if (forwarded.Length > 0)
        {
            var last = forwarded[(forwarded.LastIndexOf(',') + 1)..].Trim();
            if (IPAddress.TryParse(last, out var ip))
            {
                return ip.ToString();
            }
        }

        return remote?.ToString() ?? "local";
    }
}
