using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Access;
using MailFilter.AuthServer.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace MailFilter.AuthServer.Endpoints;

/// <summary>Encrypted backups of every key and their restore (docs/authd-api.md §5). Admin role.</summary>
public static class BackupEndpoints
{
    /// <summary>Largest restore request: a backup of a few hundred thousand keys, base64 in JSON.</summary>
    public const long MaxRestoreBytes = 512L * 1024 * 1024;

    public static void Map(IEndpointRouteBuilder routes, KeyService keys)
    {
        routes.MapPost(AuthdRoutes.AdminBackup, async context =>
        {
            var peer = Api.Require(context, PeerRole.Admin);
            var request = await Api.ReadAsync(context, AuthdJson.Default.BackupRequest);
            var file = await keys.BackupAsync(request, peer.Credentials.Actor, context.RequestAborted);
            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength = file.Length;
            await context.Response.Body.WriteAsync(file, context.RequestAborted);
        });

        routes.MapPost(AuthdRoutes.AdminRestore, async context =>
        {
            var peer = Api.Require(context, PeerRole.Admin);
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = MaxRestoreBytes;
            }

            var request = await Api.ReadAsync(context, AuthdJson.Default.RestoreRequest);
            var result = await keys.RestoreAsync(request, peer.Credentials.Actor, context.RequestAborted);
            await Api.WriteAsync(context, result, AuthdJson.Default.RestoreResponse);
        });
    }
}
