using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Endpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace MailFilter.AuthServer.Web;

/// <summary>
/// The page on which a user maintains their own whitelist (docs/whitelist.md §3.5), on the public listener behind the TLS
/// proxy: log in, see the list, add, remove. It holds no state on the server: the script keeps the credentials in the
/// page's memory and sends them with each call (the same calls and lockouts as any client). A strict
/// Content-Security-Policy allows only this origin's script and calls.
/// </summary>
public static class WhitelistPage
{
    private const string Security = "default-src 'none'; script-src 'self'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    public static void Map(IEndpointRouteBuilder routes, ILogger logger)
    {
        routes.MapGet(WhitelistRoutes.Page, context => WriteAsync(context, logger, "text/html; charset=utf-8", WhitelistPageText.Html));
        routes.MapGet(WhitelistRoutes.PageScript, context => WriteAsync(context, logger, "text/javascript; charset=utf-8", WhitelistPageText.Script));
    }

    private static Task WriteAsync(HttpContext context, ILogger logger, string type, string text)
    {
        WhitelistEndpoints.RequireLoopback(context, logger);
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = Security;
        headers.CacheControl = "no-store";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        context.Response.ContentType = type;
        return context.Response.WriteAsync(text, context.RequestAborted);
    }
}
