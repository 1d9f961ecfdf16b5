using Microsoft.Extensions.Configuration;

namespace MailFilter.Filter.Configuration;

/// <summary>
/// The delivery agent (LMTP listener and mailbox store): <c>[delivery]</c>. Issue 5 fills it in
/// (docs/pipeline.md, "Inbound"); until then it only reserves its section and reports unknown keys.
/// </summary>
public sealed record DeliverySettings
{
    public static DeliverySettings Load(IConfiguration config, List<string> errors)
    {
        foreach (var entry in config.GetSection("delivery").AsEnumerable(makePathsRelative: true).Where(kv => kv.Value is not null))
        {
            errors.Add($"[delivery] {entry.Key}: unknown setting");
        }

        return new DeliverySettings();
    }
}
