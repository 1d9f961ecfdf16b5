using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Access;
using MailFilter.AuthServer.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MailFilter.AuthServer.Endpoints;

/// <summary>Public keys by address and by kid, and the current key with creation on first use (docs/authd-api.md §3.1-3.3). Service role.</summary>
public static class KeyEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, KeyService keys)
    {
        routes.MapPost(AuthdRoutes.CurrentKey, async context =>
        {
            Api.Require(context, PeerRole.Service);
            var request = await Api.ReadAsync(context, AuthdJson.Default.CurrentKeyRequest);
            var key = await keys.GetCurrentAsync(request.Address, request.Use, request.Create ?? true, context.RequestAborted)
                ?? throw ApiException.NotFound("no-key", $"{request.Address} has no current {KeyMaterial.UseName(request.Use)} key"
                    + (request.Create != false && !keys.IsLocal(KeyService.Canonical(request.Address)) ? " and is not in a local domain" : string.Empty));
            await Api.WriteAsync(context, key, AuthdJson.Default.KeyInfo);
        });

        routes.MapGet(AuthdRoutes.Keys, async context =>
        {
            // ?kid=K: one key (any use, current or not); ?address=A: every key of the address.
            Api.Require(context, PeerRole.Service);
            if (context.Request.Query["kid"] is { Count: > 0 } kidValue)
            {
                var kid = kidValue.ToString();
                var key = await keys.GetByKidAsync(kid, context.RequestAborted) ?? throw ApiException.NotFound("no-key", $"no key {kid}");
                await Api.WriteAsync(context, key, AuthdJson.Default.KeyInfo);
                return;
            }

            var list = await keys.GetByAddressAsync(context.Request.Query["address"].ToString(), context.RequestAborted);
            await Api.WriteAsync(context, new KeyList { Keys = list }, AuthdJson.Default.KeyList);
        });
    }
}
