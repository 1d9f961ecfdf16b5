using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MailFilter.AuthServer.Access;

/// <summary>
/// Kestrel connection middleware on the unix socket: reads SO_PEERCRED once per connection and keeps the
/// credentials and role in the connection's items, where every request on it finds them
/// (<see cref="Get"/>). A peer with no role still gets HTTP answers (403 with a reason), so a
/// misconfigured mailfilterd says why it is refused instead of seeing a dropped connection.
/// </summary>
public static class PeerConnection
{
    private const string ItemKey = "mailfilter.peer";

    public static Func<ConnectionDelegate, ConnectionDelegate> Middleware(Func<AccessPolicy> policy, ILogger logger) => next => async connection =>
    {
        var socket = connection.Features.Get<IConnectionSocketFeature>()?.Socket;
        if (socket is null)
        {
            connection.Abort();
            return;
        }

        var peer = PeerCredentials.Read(socket);
        // The policy in force when the connection opens (a reload applies to connections opened after it).
        var role = policy().RoleOf(peer);
        connection.Items[ItemKey] = new PeerContext(peer, role);
        if (role == PeerRole.None)
        {
            Log.PeerRefused(logger, peer.Pid, peer.Uid, peer.Gid);
        }

        await next(connection);
    };

    /// <summary>The peer of the connection a request came on; null for the public (TCP) listener.</summary>
    public static PeerContext? Get(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(ItemKey, out var value) == true ? value as PeerContext : null;
}
