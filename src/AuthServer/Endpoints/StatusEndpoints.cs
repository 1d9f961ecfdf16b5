using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Access;
using MailFilter.AuthServer.Configuration;
using MailFilter.AuthServer.Data;
using MailFilter.AuthServer.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;

namespace MailFilter.AuthServer.Endpoints;

/// <summary>GET /v1/status (docs/authd-api.md §3.6): version, database, key counts, the caller as authd sees it. Service role.</summary>
public static class StatusEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, KeyService keys, KeyRepository repository, MigrationRunner migrations, LiveSettings settings, DateTimeOffset started)
    {
        routes.MapGet(AuthdRoutes.Status, async context =>
        {
            var peer = Api.Require(context, PeerRole.Service);
            int? schema = null;
            KeyStatistics? stats = null;
            try
            {
                schema = await migrations.CurrentVersionAsync(context.RequestAborted);
                stats = await repository.StatisticsAsync(context.RequestAborted);
            }
            catch (NpgsqlException)
            {
                // Reported as degraded below.
            }

            var status = new StatusResponse
            {
                Version = AuthServerHost.Version,
                Started = started,
                State = stats is null ? "degraded" : "ok",
                DatabaseReachable = stats is not null,
                SchemaVersion = schema,
                LatestSchemaVersion = MigrationRunner.LatestVersion,
                Addresses = stats?.Addresses,
                CurrentKeys = stats?.Current,
                RetiredKeys = stats?.Retired,
                RevokedKeys = stats?.Revoked,
                CachedAddresses = keys.CachedEntries,
                LocalDomains = [.. settings.Current.LocalDomains.Order(StringComparer.Ordinal)],
                Peer = new PeerInfo
                {
                    Pid = peer.Credentials.Pid,
                    Uid = peer.Credentials.Uid,
                    Gid = peer.Credentials.Gid,
                    Role = peer.Role.ToString().ToLowerInvariant(),
                },
            };
            await Api.WriteAsync(context, status, AuthdJson.Default.StatusResponse);
        });
    }
}
