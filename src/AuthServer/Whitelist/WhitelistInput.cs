using System.Text;
using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Endpoints;
using MailFilter.Crypto.Envelope;

namespace MailFilter.AuthServer.Whitelist;

/// <summary>Checks and normalizes what the whitelist calls receive (docs/whitelist.md §1): a refusal names the field and the limit.</summary>
public static class WhitelistInput
{
    /// <summary>A user name: 1 to 64 of a-z 0-9 . _ - @ +, compared lower case.</summary>
    public static string UserName(string? name, string field = "name")
    {
        if (string.IsNullOrEmpty(name))
        {
            throw ApiException.BadRequest($"{field} is required");
        }

        var lower = name.ToLowerInvariant();
        if (lower.Length > WhitelistLimits.MaxNameLength || !lower.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-' or '@' or '+'))
        {
            throw ApiException.BadRequest($"{field} must be 1 to {WhitelistLimits.MaxNameLength} characters of a-z, 0-9, '.', '_', '-', '@', '+'");
        }

        return lower;
    }

    /// <summary>True for a name the public calls may look up (same rule, without an exception: failures say only "authentication failed").</summary>
    public static bool TryUserName(string? name, out string lower)
    {
        lower = string.Empty;
        if (string.IsNullOrEmpty(name) || name.Length > WhitelistLimits.MaxNameLength)
        {
            return false;
        }

        lower = name.ToLowerInvariant();
        return lower.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-' or '@' or '+');
    }

    public static string Password(string? password)
    {
        int bytes = password is null ? 0 : Encoding.UTF8.GetByteCount(password);
        if (password is null || bytes < WhitelistLimits.MinPasswordBytes || bytes > WhitelistLimits.MaxPasswordBytes)
        {
            throw ApiException.BadRequest($"password must be {WhitelistLimits.MinPasswordBytes} to {WhitelistLimits.MaxPasswordBytes} bytes of UTF-8");
        }

        return password;
    }

    public static string Kind(string? kind) => kind switch
    {
        null or "internal" => "internal",
        "external" => "external",
        _ => throw ApiException.BadRequest($"kind must be internal or external, not \"{kind}\""),
    };

    public static string Address(string? address, string field)
    {
        if (address is null || !AddressCanonicalizer.TryCanonicalize(address, out var canonical))
        {
            throw ApiException.BadRequest($"{field}: \"{address}\" is not a mail address (local@domain)");
        }

        return canonical;
    }

    public static string Domain(string? domain, string field)
    {
        if (string.IsNullOrEmpty(domain) || domain.Contains('@', StringComparison.Ordinal) || domain.StartsWith('.') || domain.EndsWith('.') || !domain.Contains('.', StringComparison.Ordinal)
            || !AddressCanonicalizer.TryCanonicalize("x@" + domain, out var canonical))
        {
            throw ApiException.BadRequest($"{field}: \"{domain}\" is not a domain name (like example.net)");
        }

        return canonical[2..];
    }

    /// <summary>An address (with '@') or a domain, as stored: (kind, target).</summary>
    public static (string Kind, string Target) Target(string? target, string field) =>
        target is not null && target.Contains('@', StringComparison.Ordinal) ? ("address", Address(target, field)) : ("domain", Domain(target, field));

    public static IReadOnlyList<string> Addresses(IReadOnlyList<string>? addresses)
    {
        var list = addresses ?? [];
        if (list.Count > WhitelistLimits.MaxAddressesPerUser)
        {
            throw ApiException.BadRequest($"addresses: at most {WhitelistLimits.MaxAddressesPerUser} per user");
        }

        var canonical = list.Select((a, i) => Address(a, $"addresses[{i}]")).ToList();
        if (canonical.Distinct(StringComparer.Ordinal).Count() != canonical.Count)
        {
            throw ApiException.BadRequest("addresses: an address is given twice");
        }

        return canonical;
    }

    /// <summary>The entries of an add request, normalized; two entries for one target are refused.</summary>
    public static IReadOnlyList<NormalizedEntry> Entries(IReadOnlyList<WhitelistEntry>? entries)
    {
        if (entries is null || entries.Count == 0)
        {
            throw ApiException.BadRequest("entries: give at least one entry");
        }

        if (entries.Count > WhitelistLimits.MaxEntriesPerRequest)
        {
            throw ApiException.BadRequest($"entries: at most {WhitelistLimits.MaxEntriesPerRequest} per request (split the import)");
        }

        var result = new List<NormalizedEntry>(entries.Count);
        var seen = new HashSet<(string, string)>();
        for (int i = 0; i < entries.Count; i++)
        {
            var e = entries[i] ?? throw ApiException.BadRequest($"entries[{i}] is null");
            string field = $"entries[{i}]";
            if ((e.Address is null) == (e.Domain is null))
            {
                throw ApiException.BadRequest($"{field}: give exactly one of address and domain");
            }

            var (kind, target) = e.Address is not null ? ("address", Address(e.Address, field + ".address")) : ("domain", Domain(e.Domain, field + ".domain"));
            if (!seen.Add((kind, target)))
            {
                throw ApiException.BadRequest($"{field}: {target} is given twice");
            }

            result.Add(new NormalizedEntry(kind, target, Text(e.Name, field + ".name", WhitelistLimits.MaxContactName),
                Text(e.Nickname, field + ".nickname", WhitelistLimits.MaxNickname), Text(e.Notes, field + ".notes", WhitelistLimits.MaxNotes)));
        }

        return result;
    }

    private static string? Text(string? value, string field, int max)
    {
        if (value is null || value.Length == 0)
        {
            return null;
        }

        if (value.Length > max)
        {
            throw ApiException.BadRequest($"{field}: at most {max} characters");
        }

        if (value.Any(c => c < 0x20 && c is not '\t' and not '\n' || c == 0x7F))
        {
            throw ApiException.BadRequest($"{field}: control characters are not allowed");
        }

        return value;
    }
}
