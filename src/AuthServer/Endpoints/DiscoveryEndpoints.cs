using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MailFilter.AuthServer.Endpoints;

/// <summary>
/// Key discovery for peer servers on the public listener (docs/authd-api.md §7): the public keys of
/// addresses in local domains, current and previous, with validity and revocation, so a receiver can
/// verify old signatures and refuse revoked keys. Read-only: it never creates a key, and it answers 404 for
/// addresses outside the local domains.
/// </summary>
public static class DiscoveryEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, KeyService keys)
    {
        routes.MapGet(AuthdRoutes.Discovery, async context =>
        {
            context.Response.Headers.CacheControl = "public, max-age=300";
            if (context.Request.Query["kid"] is { Count: > 0 } kidValue)
            {
                var kid = kidValue.ToString();
                var key = await keys.GetByKidAsync(kid, context.RequestAborted);
                if (key is null || !keys.IsLocal(key.Address))
                {
                    throw ApiException.NotFound("no-key", $"no key {kid} here");
                }

                await Api.WriteAsync(context, key, AuthdJson.Default.KeyInfo);
                return;
            }

            var address = KeyService.Canonical(context.Request.Query["address"].ToString());
            if (!keys.IsLocal(address))
            {
                throw ApiException.NotFound("not-local", $"{KeyService.DomainOf(address)} is not served here");
            }

            var list = await keys.GetByAddressAsync(address, context.RequestAborted);
            await Api.WriteAsync(context, new KeyList { Keys = list }, AuthdJson.Default.KeyList);
        });

        routes.MapGet(AuthdRoutes.Health, context => context.Response.WriteAsync("ok\n"));
    }
}
