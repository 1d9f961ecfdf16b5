using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Access;
using MailFilter.AuthServer.Discovery;
using MailFilter.AuthServer.Keys;
using MailFilter.Crypto.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MailFilter.AuthServer.Endpoints;

/// <summary>
/// Public keys by address and by kid, and the current key with creation on first use (docs/authd-api.md
/// §3.1-3.3). Service role. authd answers from its own keys first; for an address outside local_domains that
/// it holds no key for, the same calls answer from discovery (§7.3), so callers treat local and remote keys alike.
/// </summary>
public static class KeyEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, KeyService keys, RemoteKeyService remote)
    {
        routes.MapPost(AuthdRoutes.CurrentKey, async context =>
        {
            Api.Require(context, PeerRole.Service);
            var request = await Api.ReadAsync(context, AuthdJson.Default.CurrentKeyRequest);
            var address = KeyService.Canonical(request.Address);
            var key = await keys.GetCurrentAsync(address, request.Use, request.Create ?? true, context.RequestAborted);
            if (key is null && Remote(keys, remote, address))
            {
                key = await remote.GetCurrentAsync(address, request.Use, context.RequestAborted);
            }

            if (key is null)
            {
                throw ApiException.NotFound("no-key", $"{address} has no current {KeyMaterial.UseName(request.Use)} key" + (keys.IsLocal(address) ? string.Empty
                    : remote.Serves(address) ? $" (its domain's server lists none)" : " and is not in a local domain or a [discovery] peer's domain"));
            }

            await Api.WriteAsync(context, key, AuthdJson.Default.KeyInfo);
        });

        routes.MapGet(AuthdRoutes.Keys, async context =>
        {
            // ?kid=K[&address=A]: one key (any use, current or not); ?address=A: every key of the address.
            Api.Require(context, PeerRole.Service);
            string? address = context.Request.Query["address"] is { Count: > 0 } a ? KeyService.Canonical(a.ToString()) : null;
            if (context.Request.Query["kid"] is { Count: > 0 } kidValue)
            {
                var kidText = kidValue.ToString();
                var key = await keys.GetByKidAsync(kidText, context.RequestAborted);
                if (key is null && address is not null && Remote(keys, remote, address))
                {
                    key = await remote.GetByKidAsync(address, KeyId.Parse(kidText), context.RequestAborted);
                }

                await Api.WriteAsync(context, key ?? throw ApiException.NotFound("no-key", $"no key {kidText}" + (address is null ? string.Empty : $" of {address}")),
                    AuthdJson.Default.KeyInfo);
                return;
            }

            if (address is null)
            {
                throw ApiException.BadRequest("give ?address= or ?kid=");
            }

            var list = await keys.GetByAddressAsync(address, context.RequestAborted);
            if (list.Count == 0 && Remote(keys, remote, address))
            {
                list = await remote.GetByAddressAsync(address, context.RequestAborted);
            }

            await Api.WriteAsync(context, new KeyList { Keys = list }, AuthdJson.Default.KeyList);
        });
    }

    private static bool Remote(KeyService keys, RemoteKeyService remote, string address) => !keys.IsLocal(address) && remote.Serves(address);
}
