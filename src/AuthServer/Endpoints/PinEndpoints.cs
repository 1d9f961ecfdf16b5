using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Access;
using MailFilter.AuthServer.Discovery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MailFilter.AuthServer.Endpoints;

/// <summary>Keys of other domains pinned by discovery, and the admin's decisions on pin changes (docs/authd-api.md §8). Admin role.</summary>
public static class PinEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, RemoteKeyService remote)
    {
        routes.MapGet(AuthdRoutes.AdminPins, async context =>
        {
            Api.Require(context, PeerRole.Admin);
            var query = context.Request.Query;
            bool pendingOnly = query["state"] is { Count: > 0 } s
                ? s.ToString() switch
                {
                    "pending" => true,
                    "all" => false,
                    var other => throw ApiException.BadRequest($"state must be pending or all, not \"{other}\""),
                }
                : false;
            var result = await remote.ListAsync(query["address"] is { Count: > 0 } a ? a.ToString() : null, query["domain"] is { Count: > 0 } d ? d.ToString() : null,
                pendingOnly, context.RequestAborted);
            await Api.WriteAsync(context, result, AuthdJson.Default.PinsResponse);
        });

        routes.MapPost(AuthdRoutes.AdminPinsAccept, async context =>
        {
            var peer = Api.Require(context, PeerRole.Admin);
            var request = await Api.ReadAsync(context, AuthdJson.Default.PinDecisionRequest);
            await Api.WriteAsync(context, await remote.AcceptAsync(request, peer.Credentials.Actor, context.RequestAborted), AuthdJson.Default.PinsResponse);
        });

        routes.MapPost(AuthdRoutes.AdminPinsReject, async context =>
        {
            var peer = Api.Require(context, PeerRole.Admin);
            var request = await Api.ReadAsync(context, AuthdJson.Default.PinDecisionRequest);
            await Api.WriteAsync(context, await remote.RejectAsync(request, peer.Credentials.Actor, context.RequestAborted), AuthdJson.Default.PinsResponse);
        });
    }
}
