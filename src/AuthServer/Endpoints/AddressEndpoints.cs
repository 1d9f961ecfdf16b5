using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Access;
using MailFilter.AuthServer.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace MailFilter.AuthServer.Endpoints;

/// <summary>Address registration administered on the socket (docs/registry.md §4.1): admin role.</summary>
public static class AddressEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, AddressRegistrationService addresses)
    {
        routes.MapGet(AuthdRoutes.AdminAddresses, async context =>
        {
            Api.Require(context, PeerRole.Admin);
            var q = context.Request.Query;
            var list = await addresses.ListAsync(q["domain"] is { Count: > 0 } d ? d.ToString() : null, q["state"] is { Count: > 0 } s ? s.ToString() : null, context.RequestAborted);
            await Api.WriteAsync(context, new AddressList { Addresses = list }, AuthdJson.Default.AddressList);
        });

        routes.MapGet(AuthdRoutes.AdminAddressesShow, async context =>
        {
            Api.Require(context, PeerRole.Admin);
            var address = RegistryQueryParser.Address("address", context.Request.Query["address"].ToString());
            var record = await addresses.GetAsync(address, context.RequestAborted);
            if (record is null || record.State == "none")
            {
                throw ApiException.NotFound("not-found", $"{address} has no registration");
            }

            await Api.WriteAsync(context, record, AuthdJson.Default.AddressRecord);
        });

        routes.MapPost(AuthdRoutes.AdminAddressesRegister, async context =>
        {
            var peer = Api.Require(context, PeerRole.Admin);
            var r = await Api.ReadAsync(context, AuthdJson.Default.AddressRequest);
            await Api.WriteAsync(context, await addresses.SubmitAsync(r.Address, r.Company, r.Name, peer.Credentials.Actor, context.RequestAborted), AuthdJson.Default.AddressRecord);
        });

        routes.MapPost(AuthdRoutes.AdminAddressesConfirm, async context =>
        {
            var peer = Api.Require(context, PeerRole.Admin);
            var r = await Api.ReadAsync(context, AuthdJson.Default.AddressRequest);
            await Api.WriteAsync(context, await addresses.ConfirmByCodeAsync(r.Address, r.Code, peer.Credentials.Actor, context.RequestAborted), AuthdJson.Default.AddressRecord);
        });

        routes.MapPost(AuthdRoutes.AdminAddressesUnbind, async context =>
        {
            var peer = Api.Require(context, PeerRole.Admin);
            var r = await Api.ReadAsync(context, AuthdJson.Default.AddressRequest);
            await Api.WriteAsync(context, await addresses.UnbindAsync(r.Address, peer.Credentials.Actor, context.RequestAborted), AuthdJson.Default.AddressRecord);
        });

        routes.MapPost(AuthdRoutes.AdminAddressesRemind, async context =>
        {
            var peer = Api.Require(context, PeerRole.Admin);
            var r = await Api.ReadAsync(context, AuthdJson.Default.AddressRequest);
            await Api.WriteAsync(context, await addresses.RemindAsync(r.Address, peer.Credentials.Actor, context.RequestAborted), AuthdJson.Default.AddressRecord);
        });
    }
}
