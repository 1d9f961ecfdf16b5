using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MailFilter.Milter;

/// <summary>
/// A milter socket address in Postfix's syntax (reference §3, pitfall 14): <c>unix:/path</c>,
/// <c>inet:host:port</c> (IPv6 as <c>inet:[::1]:port</c>). Sendmail's <c>local:/path</c> and
/// <c>inet:port@host</c> are accepted too, so specs copied from other milters' docs work.
/// </summary>
public sealed record MilterEndpoint
{
    private MilterEndpoint(string spec, EndPoint endPoint)
    {
        Spec = spec;
        EndPoint = endPoint;
    }

    public string Spec { get; }

    public EndPoint EndPoint { get; }

    public bool IsUnix => EndPoint is UnixDomainSocketEndPoint;

    public string? UnixPath => IsUnix ? Spec[(Spec.IndexOf(':', StringComparison.Ordinal) + 1)..] : null;

    public static MilterEndpoint Parse(string spec)
    {
        if (!TryParse(spec, out var endpoint, out var error))
        {
            throw new FormatException(error);
        }

        return endpoint!;
    }

    public static bool TryParse(string spec, out MilterEndpoint? endpoint, out string error)
    {
        endpoint = null;
        error = string.Empty;
        spec = spec?.Trim() ?? string.Empty;
        int colon = spec.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            error = $"milter address \"{spec}\" must be unix:/path or inet:host:port";
            return false;
        }

        string kind = spec[..colon].ToLowerInvariant();
        string rest = spec[(colon + 1)..];
        switch (kind)
        {
            case "unix":
            case "local":
                if (rest.Length == 0 || rest[0] != '/')
                {
                    error = $"unix socket path in \"{spec}\" must be absolute";
                    return false;
                }

                endpoint = new MilterEndpoint("unix:" + rest, new UnixDomainSocketEndPoint(rest));
                return true;
            case "inet":
            case "inet6":
                string host;
                string port;
                int at = rest.IndexOf('@', StringComparison.Ordinal);
                if (at >= 0)
                {
                    port = rest[..at];
                    host = rest[(at + 1)..];
                }
                else if (rest.StartsWith('['))
                {
                    int close = rest.IndexOf(']', StringComparison.Ordinal);
                    if (close < 0 || close + 1 >= rest.Length || rest[close + 1] != ':')
                    {
                        error = $"bad IPv6 milter address \"{spec}\" (use inet:[::1]:port)";
                        return false;
                    }

                    host = rest[1..close];
                    port = rest[(close + 2)..];
                }
                else
                {
                    int last = rest.LastIndexOf(':');
                    if (last < 0)
                    {
                        error = $"milter address \"{spec}\" has no port (inet:host:port)";
                        return false;
                    }

                    host = rest[..last];
                    port = rest[(last + 1)..];
                }

                if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int portNumber) || portNumber > 65535)
                {
                    error = $"bad port \"{port}\" in milter address \"{spec}\"";
                    return false;
                }

                if (host.Length == 0 || host == "localhost")
                {
                    host = "127.0.0.1";
                }

                if (!IPAddress.TryParse(host, out var address))
                {
                    error = $"milter address \"{spec}\" needs a numeric IP address, not \"{host}\"";
                    return false;
                }

                string canonical = address.AddressFamily == AddressFamily.InterNetworkV6
                    ? $"inet:[{address}]:{portNumber}"
                    : $"inet:{address}:{portNumber}";
                endpoint = new MilterEndpoint(canonical, new IPEndPoint(address, portNumber));
                return true;
            default:
                error = $"unknown milter socket type \"{kind}\" in \"{spec}\" (use unix: or inet:)";
                return false;
        }
    }

    /// <summary>The same endpoint with the port actually bound (after listening on port 0).</summary>
    public MilterEndpoint WithBoundEndPoint(EndPoint bound) =>
        bound is IPEndPoint ip
            ? new MilterEndpoint(ip.AddressFamily == AddressFamily.InterNetworkV6 ? $"inet:[{ip.Address}]:{ip.Port}" : $"inet:{ip.Address}:{ip.Port}", ip)
            : this;

    public override string ToString() => Spec;
}
