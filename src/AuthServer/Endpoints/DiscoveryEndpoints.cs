using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Data;
using MailFilter.AuthServer.Keys;
using MailFilter.Crypto.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MailFilter.AuthServer.Endpoints;

/// <summary>
/// Key discovery for peer servers on the public listener (docs/authd-api.md §7.1-7.2): the public keys of
/// addresses in local domains, current and previous, with validity and revocation, and the signed rotation
/// announcements that link them. Read-only and local-only: it never creates a key, answers 404 for
/// addresses outside the local domains, and is given no way to ask another server (the discovery client
/// lives with the socket endpoints), so nothing from outside makes authd fetch onward.
/// </summary>
public static class DiscoveryEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, KeyService keys, Database database)
    {
        routes.MapGet(AuthdRoutes.Discovery, async context =>
        {
            var query = context.Request.Query;
            if (query["kid"] is { Count: > 0 } kidValue)
            {
                var kid = kidValue.ToString();
                var key = await keys.GetByKidAsync(kid, context.RequestAborted);
                if (key is null || !keys.IsLocal(key.Address))
                {
                    throw ApiException.NotFound("no-key", $"no key {kid} here");
                }

                Cacheable(context);
                await Api.WriteAsync(context, key, AuthdJson.Default.KeyInfo);
                return;
            }

            if (query["address"] is not { Count: 1 } addressValue)
            {
                throw ApiException.BadRequest("give one ?address= or ?kid=");
            }

            var address = KeyService.Canonical(addressValue.ToString());
            if (!keys.IsLocal(address))
            {
                throw ApiException.NotFound("not-local", $"{KeyService.DomainOf(address)} is not served here");
            }

            var list = await keys.GetByAddressAsync(address, context.RequestAborted);
            var rotations = await KeyRotations.ListAsync(database, address, context.RequestAborted);
            Cacheable(context);
            await Api.WriteAsync(context, new DiscoveryResponse
            {
                Keys = list,
                Rotations = rotations.Count == 0 ? null : [.. rotations.Select(r => new KeyRotation
                {
                    Use = KeyMaterial.ParseUse(r.KeyUse),
                    OldKid = KeyId.FromBytes(r.OldKid).ToString(),
                    NewKid = KeyId.FromBytes(r.NewKid).ToString(),
                    SignerKid = KeyId.FromBytes(r.SignerKid).ToString(),
                    RotatedAt = new DateTimeOffset(DateTime.SpecifyKind(r.RotatedAt, DateTimeKind.Utc)),
                    Signature = r.Signature,
                })],
            }, AuthdJson.Default.DiscoveryResponse);
        });

        routes.MapGet(AuthdRoutes.Health, context => context.Response.WriteAsync("ok\n"));
    }

    // Answers (not errors) may be cached by the peer and any proxy between: a peer asks again after this at the earliest.
    private static void Cacheable(HttpContext context) => context.Response.Headers.CacheControl = "public, max-age=300";
}
