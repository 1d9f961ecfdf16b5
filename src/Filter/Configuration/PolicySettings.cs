using System.Net;
using Microsoft.Extensions.Configuration;

namespace MailFilter.Filter.Configuration;

/// <summary>
/// The outbound policy: <c>[policy]</c> (which mail is outbound, and the defaults), <c>[policy:example.test]</c>
/// (a domain), <c>[policy:alice@example.test]</c> (an address). The most specific section that sets a key wins,
/// key by key (docs/pipeline.md, "intent"; docs/configuration.md).
/// </summary>
public sealed record PolicySettings
{
    private static readonly string[] s_defaultOnlyKeys = ["local_domains", "trusted_networks"];
    private static readonly string[] s_ruleKeys = ["sign", "encrypt", "egress", "whitelist_learn", "links", "links_store_failure"];

    /// <summary>Domains whose senders are ours (lower case, exact names).</summary>
    public IReadOnlySet<string> LocalDomains { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Clients whose mail counts as submitted here without SMTP AUTH. Default: loopback only, so that
    /// local programs and the re-injected Bcc copies (docs/pipeline.md) are recognised.</summary>
    public IReadOnlyList<IPNetwork> TrustedNetworks { get; init; } = [IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128")];

    /// <summary>The rule of <c>[policy]</c>: sign always, encrypt when possible.</summary>
    public PolicyRule Default { get; init; } = new(SignPolicy.Always, EncryptPolicy.WhenPossible);

    /// <summary>Partial rules per domain (lower case) and per address (compared case-insensitively).</summary>
    public IReadOnlyDictionary<string, PartialPolicyRule> Overrides { get; init; } =
        new Dictionary<string, PartialPolicyRule>(StringComparer.OrdinalIgnoreCase);

    /// <summary>True when any section sets <c>egress = whitelist</c>: only then does mailfilterd add the RCPT-time whitelist stage.</summary>
    public bool UsesWhitelist => Default.Egress == EgressPolicy.Whitelist || Overrides.Values.Any(o => o.Egress == EgressPolicy.Whitelist);

    /// <summary>True when the domain of <paramref name="address"/> is a local domain.</summary>
    public bool IsLocal(string address)
    {
        int at = address.LastIndexOf('@');
        return at > 0 && LocalDomains.Contains(address[(at + 1)..]);
    }

    /// <summary>True when <paramref name="clientAddress"/> parses and lies in a trusted network.</summary>
    public bool IsTrusted(string? clientAddress)
    {
        if (clientAddress is null || !IPAddress.TryParse(clientAddress.Trim('[', ']'), out var ip))
        {
            return false;
        }

        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }

        return TrustedNetworks.Any(n => n.Contains(ip));
    }

    /// <summary>The rule for a sender: the address's section, else the domain's, else <c>[policy]</c>, key by key.</summary>
    public PolicyRule RuleFor(string sender)
    {
        int at = sender.LastIndexOf('@');
        Overrides.TryGetValue(sender, out var byAddress);
        PartialPolicyRule? byDomain = null;
        if (at >= 0)
        {
            Overrides.TryGetValue(sender[(at + 1)..], out byDomain);
        }

        return new PolicyRule(
            byAddress?.Sign ?? byDomain?.Sign ?? Default.Sign,
            byAddress?.Encrypt ?? byDomain?.Encrypt ?? Default.Encrypt)
        {
            Egress = byAddress?.Egress ?? byDomain?.Egress ?? Default.Egress,
            WhitelistLearn = byAddress?.WhitelistLearn ?? byDomain?.WhitelistLearn ?? Default.WhitelistLearn,
            Links = byAddress?.Links ?? byDomain?.Links ?? Default.Links,
            LinksStoreFailure = byAddress?.LinksStoreFailure ?? byDomain?.LinksStoreFailure ?? Default.LinksStoreFailure,
        };
    }

    public static PolicySettings Load(IConfiguration config, List<string> errors)
    {
        var section = config.GetSection("policy");
        var defaults = new PolicySettings();
        var domains = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (section["local_domains"] is { } domainList)
        {
            foreach (var d in Split(domainList))
            {
                if (d.Contains('@', StringComparison.Ordinal) || d.StartsWith('.'))
                {
                    errors.Add($"[policy] local_domains: \"{d}\" is not a domain name");
                    continue;
                }

                domains.Add(d.ToLowerInvariant());
            }
        }

        var networks = defaults.TrustedNetworks;
        if (section["trusted_networks"] is { } networkList)
        {
            var parsed = new List<IPNetwork>();
            foreach (var n in Split(networkList))
            {
                string spec = n.Trim('[', ']');
                if (IPNetwork.TryParse(spec.Contains('/', StringComparison.Ordinal) ? spec : spec + (spec.Contains(':', StringComparison.Ordinal) ? "/128" : "/32"), out var net))
                {
                    parsed.Add(net);
                }
                else
                {
                    errors.Add($"[policy] trusted_networks: \"{n}\" is not an address or a network like 192.0.2.0/24");
                }
            }

            networks = parsed;
        }

        var rule = ReadRule(section, "policy", errors);
        var overrides = new Dictionary<string, PartialPolicyRule>(StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (child.Value is not null)
            {
                if (!s_defaultOnlyKeys.Contains(child.Key) && !s_ruleKeys.Contains(child.Key))
                {
                    errors.Add($"[policy] {child.Key}: unknown setting");
                }

                continue;
            }

            // [policy:NAME] arrives as the child NAME of "policy"; an address contains '@'.
            string name = child.Key;
            string label = $"policy:{name}";
            if (name.Length == 0 || name.StartsWith('@') || name.EndsWith('@'))
            {
                errors.Add($"[{label}]: name a domain (example.test) or an address (alice@example.test)");
                continue;
            }

            foreach (var entry in child.GetChildren())
            {
                if (!s_ruleKeys.Contains(entry.Key))
                {
                    errors.Add(s_defaultOnlyKeys.Contains(entry.Key)
                        ? $"[{label}] {entry.Key}: only allowed in [policy]"
                        : $"[{label}] {entry.Key}: unknown setting");
                }
            }

            overrides[name.Contains('@', StringComparison.Ordinal) ? name : name.ToLowerInvariant()] = ReadPartial(child, label, errors);
        }

        return new PolicySettings
        {
            LocalDomains = domains,
            TrustedNetworks = networks,
            Default = new PolicyRule(rule.Sign ?? defaults.Default.Sign, rule.Encrypt ?? defaults.Default.Encrypt)
            {
                Egress = rule.Egress ?? defaults.Default.Egress,
                WhitelistLearn = rule.WhitelistLearn ?? defaults.Default.WhitelistLearn,
                Links = rule.Links ?? defaults.Default.Links,
                LinksStoreFailure = rule.LinksStoreFailure ?? defaults.Default.LinksStoreFailure,
            },
            Overrides = overrides,
        };
    }

    private static PartialPolicyRule ReadRule(IConfigurationSection section, string label, List<string> errors) =>
        ReadPartial(section, label, errors);

    private static PartialPolicyRule ReadPartial(IConfigurationSection section, string label, List<string> errors)
    {
        SignPolicy? sign = null;
        EncryptPolicy? encrypt = null;
        if (section["sign"] is { } s)
        {
            if (PolicyValues.TryParseSign(s, out var v))
            {
                sign = v;
            }
            else
            {
                errors.Add($"[{label}] sign = {s}: use always or never");
            }
        }

        if (section["encrypt"] is { } e)
        {
            if (PolicyValues.TryParseEncrypt(e, out var v))
            {
                encrypt = v;
            }
            else
            {
                errors.Add($"[{label}] encrypt = {e}: use never, when-possible or required");
            }
        }

        EgressPolicy? egress = null;
        if (section["egress"] is { } g)
        {
            egress = g.Trim().ToLowerInvariant() switch
            {
                "open" => EgressPolicy.Open,
                "whitelist" => EgressPolicy.Whitelist,
                _ => null,
            };
            if (egress is null)
            {
                errors.Add($"[{label}] egress = {g}: use open or whitelist");
            }
        }

        bool? learn = null;
        if (section["whitelist_learn"] is { } l)
        {
            learn = l.Trim().ToLowerInvariant() switch
            {
                "no" => false,
                "verified" => true,
                _ => null,
            };
            if (learn is null)
            {
                errors.Add($"[{label}] whitelist_learn = {l}: use no or verified");
            }
        }

        LinksPolicy? links = null;
        if (section["links"] is { } linksText)
        {
            if (LinksPolicy.TryParse(linksText, out var v))
            {
                links = v;
            }
            else
            {
                errors.Add($"[{label}] links = {linksText}: use never, always or over SIZE (e.g. over 10M)");
            }
        }

        LinksStoreFailure? storeFailure = null;
        if (section["links_store_failure"] is { } f)
        {
            storeFailure = f.Trim().ToLowerInvariant() switch
            {
                "tempfail" => LinksStoreFailure.Tempfail,
                "inline" => LinksStoreFailure.Inline,
                _ => null,
            };
            if (storeFailure is null)
            {
                errors.Add($"[{label}] links_store_failure = {f}: use tempfail or inline");
            }
        }

        return new PartialPolicyRule(sign, encrypt) { Egress = egress, WhitelistLearn = learn, Links = links, LinksStoreFailure = storeFailure };
    }

    private static string[] Split(string list) => list.Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
}
