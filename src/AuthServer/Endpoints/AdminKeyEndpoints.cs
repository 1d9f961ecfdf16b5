using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Access;
using MailFilter.AuthServer.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MailFilter.AuthServer.Endpoints;

/// <summary>Key administration for mailfilterctl (docs/authd-api.md §4): list, generate, rotate, revoke, import (admin role), export the secret (root only).</summary>
public static class AdminKeyEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, KeyService keys, Data.KeyRepository repository)
    {
        routes.MapGet(AuthdRoutes.AdminKeys, async context =>
        {
            Api.Require(context, PeerRole.Admin);
            string? address = context.Request.Query["address"] is { Count: > 0 } a ? KeyService.Canonical(a.ToString()) : null;
            string? domain = context.Request.Query["domain"] is { Count: > 0 } d ? KeyService.DomainOf(KeyService.Canonical("x@" + d)) : null;
            var rows = await repository.ListAsync(address, domain, context.RequestAborted);
            await Api.WriteAsync(context, new KeyList { Keys = [.. rows.Select(KeyMaterial.ToInfo)] }, AuthdJson.Default.KeyList);
        });

        routes.MapPost(AuthdRoutes.AdminGenerate, async context =>
        {
            var peer = Api.Require(context, PeerRole.Admin);
            var request = await Api.ReadAsync(context, AuthdJson.Default.AddressKeysRequest);
            var result = await keys.GenerateAsync(request.Address, request.Use, peer.Credentials.Actor, context.RequestAborted);
            await Api.WriteAsync(context, result, AuthdJson.Default.KeyChangeResponse);
        });

        routes.MapPost(AuthdRoutes.AdminRotate, async context =>
        {
            var peer = Api.Require(context, PeerRole.Admin);
            var request = await Api.ReadAsync(context, AuthdJson.Default.AddressKeysRequest);
            var result = await keys.RotateAsync(request.Address, request.Use, peer.Credentials.Actor, context.RequestAborted);
            await Api.WriteAsync(context, result, AuthdJson.Default.KeyChangeResponse);
        });

        routes.MapPost(AuthdRoutes.AdminRevoke, async context =>
        {
            var peer = Api.Require(context, PeerRole.Admin);
            var request = await Api.ReadAsync(context, AuthdJson.Default.RevokeRequest);
            var result = await keys.RevokeAsync(request, peer.Credentials.Actor, context.RequestAborted);
            await Api.WriteAsync(context, result, AuthdJson.Default.KeyChangeResponse);
        });

        routes.MapPost(AuthdRoutes.AdminImport, async context =>
        {
            var peer = Api.Require(context, PeerRole.Admin);
            var request = await Api.ReadAsync(context, AuthdJson.Default.ImportRequest);
            var result = await keys.ImportAsync(request, peer.Credentials.Actor, context.RequestAborted);
            await Api.WriteAsync(context, result, AuthdJson.Default.KeyChangeResponse);
        });

        routes.MapPost(AuthdRoutes.AdminExportSecret, async context =>
        {
            // Root only: the identity opens every message ever sealed to the address.
            var peer = Api.Require(context, PeerRole.Root);
            var request = await Api.ReadAsync(context, AuthdJson.Default.ExportSecretRequest);
            var result = await keys.ExportSecretAsync(request, peer.Credentials.Actor, context.RequestAborted);
            await Api.WriteAsync(context, result, AuthdJson.Default.ExportSecretResponse);
        });
    }
}
