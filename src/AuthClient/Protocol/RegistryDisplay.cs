namespace MailFilter.AuthClient.Protocol;

/// <summary>The display information of a registered address (docs/registry.md §6.4).</summary>
public sealed record RegistryDisplay
{
    public string? Company { get; init; }

    public string? Name { get; init; }
}
