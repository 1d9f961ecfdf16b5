using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Access;
using MailFilter.AuthServer.Attachments;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace MailFilter.AuthServer.Endpoints;

/// <summary>
/// The attachment calls on the socket (docs/attachments.md §7): content and grants for mailfilterd (service role), and
/// the administration of grants, versions and the store for mailfilterctl attachments (admin role).
/// </summary>
public static class AttachmentEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, AttachmentService attachments)
    {
        routes.MapMethods(AttachmentRoutes.Content + "/{sha256}", [HttpMethods.Head], async context =>
        {
            Api.Require(context, PeerRole.Service);
            var sha256 = (string)context.Request.RouteValues["sha256"]!;
            context.Response.StatusCode = await attachments.HasAsync(sha256, context.RequestAborted) ? StatusCodes.Status200OK : StatusCodes.Status404NotFound;
        });

        routes.MapPut(AttachmentRoutes.Content + "/{sha256}", async context =>
        {
            Api.Require(context, PeerRole.Service);
            AllowBody(context, attachments.Settings.MaxFileSize);
            var (answer, created) = await attachments.PutAsync((string)context.Request.RouteValues["sha256"]!, context.Request.Body, context.Request.ContentLength, context.RequestAborted);
            await Api.WriteAsync(context, answer, AttachmentJson.Default.StoredAttachment, created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
        });

        routes.MapPost(AttachmentRoutes.Grants, async context =>
        {
            Api.Require(context, PeerRole.Service);
            var request = await Api.ReadAsync(context, AttachmentJson.Default.GrantRequest);
            await Api.WriteAsync(context, await attachments.CreateGrantsAsync(request, context.RequestAborted), AttachmentJson.Default.GrantResponse);
        });

        routes.MapGet(AttachmentRoutes.AdminList, async context =>
        {
            Api.Require(context, PeerRole.Admin);
            var q = context.Request.Query;
            await Api.WriteAsync(context, await attachments.ListAsync(One(q, "sender"), One(q, "recipient"), One(q, "sha256"), One(q, "state"), One(q, "limit"), context.RequestAborted),
                AttachmentJson.Default.GrantList);
        });

        routes.MapGet(AttachmentRoutes.AdminShow, async context =>
        {
            Api.Require(context, PeerRole.Admin);
            var q = context.Request.Query;
            await Api.WriteAsync(context, await attachments.ShowAsync(One(q, "id"), One(q, "sha256"), context.RequestAborted), AttachmentJson.Default.AttachmentDetail);
        });

        routes.MapPost(AttachmentRoutes.AdminRevoke, async context =>
        {
            var peer = Api.Require(context, PeerRole.Admin);
            var request = await Api.ReadAsync(context, AttachmentJson.Default.GrantChangeRequest);
            await Api.WriteAsync(context, await attachments.RevokeAsync(request, peer.Credentials.Actor, context.RequestAborted), AttachmentJson.Default.GrantChangeResponse);
        });

        routes.MapPost(AttachmentRoutes.AdminExtend, async context =>
        {
            var peer = Api.Require(context, PeerRole.Admin);
            var request = await Api.ReadAsync(context, AttachmentJson.Default.GrantChangeRequest);
            await Api.WriteAsync(context, await attachments.ExtendAsync(request, peer.Credentials.Actor, context.RequestAborted), AttachmentJson.Default.GrantChangeResponse);
        });

        routes.MapPost(AttachmentRoutes.AdminGc, async context =>
        {
            Api.Require(context, PeerRole.Admin);
            bool dryRun = One(context.Request.Query, "dryRun") is "true" or "1";
            await Api.WriteAsync(context, await attachments.CollectAsync(dryRun, context.RequestAborted), AttachmentJson.Default.GcResponse);
        });

        routes.MapGet(AttachmentRoutes.AdminUsage, async context =>
        {
            Api.Require(context, PeerRole.Admin);
            await Api.WriteAsync(context, await attachments.UsageAsync(context.RequestAborted), AttachmentJson.Default.UsageResponse);
        });

        routes.MapPut(AttachmentRoutes.AdminPublish, async context =>
        {
            var peer = Api.Require(context, PeerRole.Admin);
            AllowBody(context, attachments.Settings.MaxFileSize);
            var q = context.Request.Query;
            await Api.WriteAsync(context, await attachments.PublishAsync(One(q, "sender"), One(q, "of"), One(q, "sha256"), context.Request.Body, context.Request.ContentLength,
                peer.Credentials.Actor, context.RequestAborted), AttachmentJson.Default.PublishResponse);
        });
    }

    private static string? One(IQueryCollection query, string name) =>
        query[name] is { Count: > 1 } ? throw ApiException.BadRequest($"{name}: given more than once") : query[name] is { Count: 1 } v ? v.ToString() : null;

    /// <summary>Lifts the socket's 1 MiB body limit to max_file_size for an upload (authd reads it as a stream, never whole).</summary>
    private static void AllowBody(HttpContext context, long limit)
    {
        if (context.Request.ContentLength > limit)
        {
            throw new ApiException(413, "too_large", $"the content is larger than [attachments] max_file_size ({limit} bytes)");
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }
    }
}
