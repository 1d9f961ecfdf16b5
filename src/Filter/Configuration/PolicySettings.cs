using Microsoft.Extensions.Configuration;

namespace MailFilter.Filter.Configuration;

/// <summary>
/// The outbound policy: <c>[policy]</c> (defaults), <c>[policy:example.test]</c> (a domain),
/// <c>[policy:alice@example.test]</c> (an address). Issue 5 fills it in (docs/pipeline.md, "intent");
/// until then it only reserves its sections and reports keys it does not know.
/// </summary>
public sealed record PolicySettings
{
    public static PolicySettings Load(IConfiguration config, List<string> errors)
    {
        foreach (var entry in config.GetSection("policy").AsEnumerable(makePathsRelative: true).Where(kv => kv.Value is not null))
        {
            errors.Add($"[policy] {entry.Key}: unknown setting");
        }

        return new PolicySettings();
    }
}
