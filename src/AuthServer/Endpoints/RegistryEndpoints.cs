using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Access;
using MailFilter.AuthServer.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MailFilter.AuthServer.Endpoints;

/// <summary>
/// The message registry's API (docs/registry.md §4): on the socket, registration (service role) and queries that
/// go to the sender's domain; on the public listener, queries of the local registry only (JSON POST, or GET with
/// the same names in the query string).
/// </summary>
public static class RegistryEndpoints
{
    /// <summary>Largest JSON body of a query or registration.</summary>
    public const int MaxBody = 16 * 1024;

    public static void Map(IEndpointRouteBuilder routes, RegistryService registry)
    {
        routes.MapPost(AuthdRoutes.RegistryRegister, async context =>
        {
            Api.Require(context, PeerRole.Service);
            var request = await Api.ReadAsync(context, AuthdJson.Default.RegisterMessageRequest);
            await Api.WriteAsync(context, await registry.RegisterAsync(request, context.RequestAborted), AuthdJson.Default.RegisterMessageResponse);
        });

        routes.MapPost(AuthdRoutes.RegistryVerify, async context =>
        {
            Api.Require(context, PeerRole.Service);
            var query = RegistryQueryParser.Parse(await Api.ReadAsync(context, AuthdJson.Default.RegistryQuery));
            await Api.WriteAsync(context, await registry.VerifyAsync(query, context.RequestAborted), AuthdJson.Default.RegistryAnswer);
        });

        routes.MapPost(AuthdRoutes.PublicRegistryVerify, async context =>
        {
            LimitBody(context);
            var query = RegistryQueryParser.Parse(await Api.ReadAsync(context, AuthdJson.Default.RegistryQuery));
            await Api.WriteAsync(context, await LocalOnlyAsync(registry, query, context), AuthdJson.Default.RegistryAnswer);
        });

        routes.MapGet(AuthdRoutes.PublicRegistryVerify, async context =>
        {
            var q = context.Request.Query;
            string? One(string name) => q[name] is { Count: > 1 } ? throw ApiException.BadRequest($"{name}: given more than once") : q[name].ToString();
            var query = RegistryQueryParser.Parse(new RegistryQuery
            {
                Sender = One("sender"),
                Recipient = One("recipient"),
                Date = One("date"),
                ConfirmationNo = One("confirmationNo"),
                Signature = One("signature"),
            });
            await Api.WriteAsync(context, await LocalOnlyAsync(registry, query, context), AuthdJson.Default.RegistryAnswer);
        });
    }

    /// <summary>The public listener answers for its own registry only: a query about another domain's sender is never forwarded (no amplification).</summary>
    public static Task<RegistryAnswer> LocalOnlyAsync(RegistryService registry, ValidQuery query, HttpContext context) =>
        registry.IsLocal(query.Sender)
            ? registry.VerifyLocalAsync(query, context.RequestAborted)
            : Task.FromResult(new RegistryAnswer { Result = RegistryAnswer.NotRegistered });

    private static void LimitBody(HttpContext context)
    {
        if (context.Request.ContentLength > MaxBody)
        {
            throw new ApiException(413, "bad-request", $"the body is larger than {MaxBody / 1024} KiB");
        }

        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBody;
        }
    }
}
