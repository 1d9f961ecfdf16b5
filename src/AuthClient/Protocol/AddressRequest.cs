namespace MailFilter.AuthClient.Protocol;

/// <summary>The body of the address administration calls (docs/registry.md §4.1).</summary>
public sealed record AddressRequest
{
    public string? Address { get; init; }

    public string? Company { get; init; }

    public string? Name { get; init; }

    /// <summary>confirm: the code from the mail; absent: the admin confirms directly.</summary>
    public string? Code { get; init; }
}
