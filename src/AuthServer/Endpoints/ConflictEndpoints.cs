using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Access;
using MailFilter.AuthServer.Conflicts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MailFilter.AuthServer.Endpoints;

/// <summary>The conflict check on the socket (docs/conflicts.md §6): the delivery's observation (service role), conflicts and the blacklist (admin role).</summary>
public static class ConflictEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, ConflictService conflicts)
    {
        routes.MapPost(ConflictRoutes.Observe, async context =>
        {
            Api.Require(context, PeerRole.Service);
            var request = await Api.ReadAsync(context, ConflictJson.Default.ObservationRequest);
            await Api.WriteAsync(context, await conflicts.ObserveAsync(request, context.RequestAborted), ConflictJson.Default.ObservationDecision);
        });

        routes.MapGet(ConflictRoutes.AdminConflicts, async context =>
        {
            Api.Require(context, PeerRole.Admin);
            var list = await conflicts.ListAsync(Query(context, "state"), Query(context, "limit"), context.RequestAborted);
            await Api.WriteAsync(context, new ConflictList { Conflicts = list }, ConflictJson.Default.ConflictList);
        });

        routes.MapGet(ConflictRoutes.AdminConflictShow, async context =>
        {
            Api.Require(context, PeerRole.Admin);
            await Api.WriteAsync(context, await conflicts.GetAsync(Query(context, "id"), context.RequestAborted), ConflictJson.Default.ConflictInfo);
        });

        routes.MapPost(ConflictRoutes.AdminConflictResolve, async context =>
        {
            var peer = Api.Require(context, PeerRole.Admin);
            var request = await Api.ReadAsync(context, ConflictJson.Default.ConflictResolveRequest);
            await Api.WriteAsync(context, await conflicts.ResolveAsync(request, peer.Credentials.Actor, context.RequestAborted), ConflictJson.Default.ConflictInfo);
        });

        routes.MapGet(ConflictRoutes.AdminBlacklist, async context =>
        {
            Api.Require(context, PeerRole.Admin);
            var entries = await conflicts.ListBlacklistAsync(Query(context, "all"), context.RequestAborted);
            await Api.WriteAsync(context, new BlacklistList { Entries = entries }, ConflictJson.Default.BlacklistList);
        });

        routes.MapPost(ConflictRoutes.AdminBlacklistAdd, async context =>
        {
            var peer = Api.Require(context, PeerRole.Admin);
            var request = await Api.ReadAsync(context, ConflictJson.Default.BlacklistAddRequest);
            await Api.WriteAsync(context, await conflicts.AddBlacklistAsync(request, peer.Credentials.Actor, context.RequestAborted), ConflictJson.Default.BlacklistEntry);
        });

        routes.MapPost(ConflictRoutes.AdminBlacklistRemove, async context =>
        {
            var peer = Api.Require(context, PeerRole.Admin);
            var request = await Api.ReadAsync(context, ConflictJson.Default.BlacklistRemoveRequest);
            await Api.WriteAsync(context, await conflicts.RemoveBlacklistAsync(request, peer.Credentials.Actor, context.RequestAborted), ConflictJson.Default.BlacklistEntry);
        });
    }

    /// <summary>A query parameter given once, or null; given twice is a bad request.</summary>
    private static string? Query(HttpContext context, string name) => context.Request.Query[name] switch
    {
        { Count: 0 } => null,
        { Count: 1 } v => v.ToString(),
        _ => throw ApiException.BadRequest($"{name} is given more than once"),
    };
}
