using System.Net;
using MailFilter.Crypto.Envelope;
using Microsoft.Extensions.Configuration;

namespace MailFilter.AuthServer.Configuration;

/// <summary>Reads [discovery]: the peer map (keys with a dot) and the timing settings.</summary>
internal static class DiscoverySettingsReader
{
    public static readonly string[] SettingNames = ["cache_ttl", "negative_ttl", "max_stale", "timeout", "refetch_interval"];

    public static DiscoverySettings Read(IConfiguration config, SettingsReader reader, IReadOnlySet<string> localDomains)
    {
        var d = new DiscoverySettings();
        var peers = new Dictionary<string, Uri>(StringComparer.Ordinal);
        foreach (var entry in config.GetSection("discovery").GetChildren())
        {
            // A setting name has no dot; a domain name of the peer map has at least one.
            if (!entry.Key.Contains('.', StringComparison.Ordinal) || entry.Value is null)
            {
                continue;
            }

            if (!AddressCanonicalizer.TryCanonicalize("x@" + entry.Key.Trim(), out var canonical))
            {
                reader.Error("discovery", entry.Key, entry.Value, "not a domain name");
                continue;
            }

            var domain = canonical[2..];
            if (localDomains.Contains(domain))
            {
                reader.Error("discovery", entry.Key, entry.Value, "is in [authd] local_domains: this server answers for it itself");
            }
            else if (TryParsePeer(entry.Value.Trim(), out var peer, out var reason))
            {
                peers[domain] = peer;
            }
            else
            {
                reader.Error("discovery", entry.Key, entry.Value, reason);
            }
        }

        var ttl = reader.Duration("discovery", "cache_ttl", d.CacheTtl);
        var maxStale = reader.Duration("discovery", "max_stale", d.MaxStale);
        if (maxStale < ttl)
        {
            reader.Error("discovery", "max_stale", reader.Get("discovery", "max_stale") ?? "(default)", "must be at least cache_ttl");
        }

        return new DiscoverySettings
        {
            Peers = peers,
            CacheTtl = ttl,
            NegativeTtl = reader.Duration("discovery", "negative_ttl", d.NegativeTtl),
            MaxStale = maxStale,
            Timeout = reader.Duration("discovery", "timeout", d.Timeout),
            RefetchInterval = reader.Duration("discovery", "refetch_interval", d.RefetchInterval, allowZero: true),
        };
    }

    /// <summary>
    /// A peer is the origin of its public listener: https, or http to a loopback address only (keys fetched in
    /// the clear over a network could be swapped on the way; on loopback the TLS proxy is in front anyway).
    /// </summary>
    public static bool TryParsePeer(string text, out Uri peer, out string reason)
    {
        peer = null!;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            reason = "not an http:// or https:// URL (e.g. http://127.0.0.1:8893)";
            return false;
        }

        if (uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.AbsolutePath != "/")
        {
            reason = "give only scheme, host and port: the path /.well-known/mailfilter/v1/keys is added";
            return false;
        }

        bool loopback = uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
        if (uri.Scheme == Uri.UriSchemeHttp && !loopback)
        {
            reason = "plain http is allowed to a loopback address only: use https";
            return false;
        }

        peer = new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
        reason = string.Empty;
        return true;
    }
}
