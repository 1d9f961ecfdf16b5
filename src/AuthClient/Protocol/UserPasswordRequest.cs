namespace MailFilter.AuthClient.Protocol;

/// <summary><c>POST /v1/admin/users/passwd</c>; <c>/remove</c> sends the name only.</summary>
public sealed record UserPasswordRequest
{
    public string? Name { get; init; }

    public string? Password { get; init; }
}
