namespace MailFilter.AuthClient.Protocol;

/// <summary><c>POST /v1/admin/blacklist/remove</c>: exactly one of <see cref="Id"/>, <see cref="Address"/> and <see cref="Kid"/>.</summary>
public sealed record BlacklistRemoveRequest
{
    public long? Id { get; init; }

    public string? Address { get; init; }

    public string? Kid { get; init; }
}
