using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Access;
using MailFilter.AuthServer.Whitelist;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MailFilter.AuthServer.Endpoints;

/// <summary>Users and their whitelists, administered on the socket (docs/whitelist.md §2). Admin role.</summary>
public static class UserEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, WhitelistService whitelists)
    {
        routes.MapGet(WhitelistRoutes.AdminUsers, async context =>
        {
            Api.Require(context, PeerRole.Admin);
            var name = context.Request.Query["name"] is { Count: > 0 } n ? n.ToString() : null;
            await Api.WriteAsync(context, new UserList(await whitelists.ListUsersAsync(name, context.RequestAborted)), WhitelistJson.Default.UserList);
        });

        routes.MapPost(WhitelistRoutes.AdminUsersAdd, async context =>
        {
            var peer = Api.Require(context, PeerRole.Admin);
            var request = await Api.ReadAsync(context, WhitelistJson.Default.UserAddRequest);
            await Api.WriteAsync(context, await whitelists.AddUserAsync(request, peer.Credentials.Actor, context.RequestAborted), WhitelistJson.Default.UserInfo);
        });

        routes.MapPost(WhitelistRoutes.AdminUsersPasswd, async context =>
        {
            var peer = Api.Require(context, PeerRole.Admin);
            var request = await Api.ReadAsync(context, WhitelistJson.Default.UserPasswordRequest);
            await Api.WriteAsync(context, await whitelists.SetPasswordAsync(request, peer.Credentials.Actor, context.RequestAborted), WhitelistJson.Default.UserInfo);
        });

        routes.MapPost(WhitelistRoutes.AdminUsersRemove, async context =>
        {
            var peer = Api.Require(context, PeerRole.Admin);
            var request = await Api.ReadAsync(context, WhitelistJson.Default.UserPasswordRequest);
            await Api.WriteAsync(context, await whitelists.RemoveUserAsync(request, peer.Credentials.Actor, context.RequestAborted), WhitelistJson.Default.UserInfo);
        });

        routes.MapGet(WhitelistRoutes.AdminWhitelist, async context =>
        {
            Api.Require(context, PeerRole.Admin);
            var user = context.Request.Query["user"] is { Count: > 0 } u ? u.ToString() : null;
            await Api.WriteAsync(context, await whitelists.GetAsync(user, context.RequestAborted), WhitelistJson.Default.WhitelistResponse);
        });

        routes.MapPost(WhitelistRoutes.AdminWhitelistAdd, async context =>
        {
            var peer = Api.Require(context, PeerRole.Admin);
            var request = await Api.ReadAsync(context, WhitelistJson.Default.WhitelistAddRequest);
            await Api.WriteAsync(context, await whitelists.AddEntriesAsync(request, peer.Credentials.Actor, context.RequestAborted), WhitelistJson.Default.WhitelistChange);
        });

        routes.MapPost(WhitelistRoutes.AdminWhitelistRemove, async context =>
        {
            var peer = Api.Require(context, PeerRole.Admin);
            var request = await Api.ReadAsync(context, WhitelistJson.Default.WhitelistRemoveRequest);
            await Api.WriteAsync(context, await whitelists.RemoveEntriesAsync(request, peer.Credentials.Actor, context.RequestAborted), WhitelistJson.Default.WhitelistChange);
        });
    }
}
