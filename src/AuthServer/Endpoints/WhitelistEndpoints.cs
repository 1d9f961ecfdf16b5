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

        routes.MapPost(WhitelistRoutes.UserAdd, context => UserChangeAsync(context, logger, whitelists, add: true));

        routes.MapPost(WhitelistRoutes.UserRemove, context => UserChangeAsync(context, logger, whitelists, add: false));

        routes.MapPost(WhitelistRoutes.Check, async context =>
        {
            Api.Require(context, PeerRole.Service);
            var request = await Api.ReadAsync(context, WhitelistJson.Default.WhitelistCheckRequest);
            await Api.WriteAsync(context, await whitelists.CheckAsync(request, context.RequestAborted), WhitelistJson.Default.WhitelistCheckResponse);
        });
    }

    /// <summary>Learning from verified inbound mail (docs/whitelist.md §6), service role.</summary>
    public static void MapLearning(IEndpointRouteBuilder routes, WhitelistService whitelists) =>
        routes.MapPost(WhitelistRoutes.Learn, async context =>
        {
            Api.Require(context, PeerRole.Service);
            var request = await Api.ReadAsync(context, WhitelistJson.Default.WhitelistLearnRequest);
            await Api.WriteAsync(context, await whitelists.LearnAsync(request, context.RequestAborted), WhitelistJson.Default.WhitelistLearnResponse);
        });

    /// <summary>Public paths this group serves (AuthServerHost lets them through on the public listener).</summary>
    public static bool IsPublic(PathString path) =>
        path == WhitelistRoutes.Fetch || path == WhitelistRoutes.Wait || path == WhitelistRoutes.UserAdd || path == WhitelistRoutes.UserRemove
        || path == WhitelistRoutes.Page || path == WhitelistRoutes.PageScript;

    /// <summary>Refuses a connection that did not come through the local TLS proxy (docs/whitelist.md §3.1).</summary>
    public static void RequireLoopback(HttpContext context, ILogger logger)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (remote is not null && !IPAddress.IsLoopback(remote))
        {
            Log.WhitelistNotTls(logger, remote.ToString());
            throw new ApiException(StatusCodes.Status403Forbidden, "tls-required", "whitelist calls are served over https only: connect through the TLS proxy");
        }
    }

    private static async Task PublicAsync(HttpContext context, ILogger logger, WhitelistService whitelists, bool wait)
    {
        RequireLoopback(context, logger);
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
            throw Refusal(context, e);
        }
    }

    /// <summary>The user's own add or remove: the body may carry up to 10,000 entries (the admin's request limit), under the 1 MiB listener cap.</summary>
    private static async Task UserChangeAsync(HttpContext context, ILogger logger, WhitelistService whitelists, bool add)
    {
        RequireLoopback(context, logger);
        var request = await Api.ReadAsync(context, WhitelistJson.Default.WhitelistUserChangeRequest);
        try
        {
            var client = ClientAddress(context);
            var answer = add
                ? await whitelists.UserAddAsync(request, client, context.RequestAborted)
                : await whitelists.UserRemoveAsync(request, client, context.RequestAborted);
            await Api.WriteAsync(context, answer, WhitelistJson.Default.WhitelistChange);
        }
        catch (LoginFailedException e)
        {
            throw Refusal(context, e);
        }
    }

    private static ApiException Refusal(HttpContext context, LoginFailedException e)
    {
        if (e.RetryAfter is { } retry)
        {
            context.Response.Headers.RetryAfter = Math.Ceiling(retry.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        return new ApiException(e.RetryAfter is null ? StatusCodes.Status401Unauthorized : StatusCodes.Status429TooManyRequests, "authentication-failed", "authentication failed");
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
