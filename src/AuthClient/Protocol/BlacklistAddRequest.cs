namespace MailFilter.AuthClient.Protocol;

/// <summary><c>POST /v1/admin/blacklist/add</c>: exactly one of <see cref="Address"/> and <see cref="Kid"/>.</summary>
public sealed record BlacklistAddRequest
{
    public string? Address { get; init; }

    public string? Kid { get; init; }

    public string? Identity { get; init; }

    public string? Reason { get; init; }

    /// <summary>When the entry ends by itself; absent: until removed.</summary>
    public DateTimeOffset? Until { get; init; }
}
