namespace MailFilter.AuthClient.Protocol;

/// <summary>The body of every non-2xx answer (docs/authd-api.md §2.3).</summary>
public sealed record ErrorResponse
{
    /// <summary>A stable code, e.g. "bad-request", "forbidden", "no-key", "key-rotated", "database-unavailable".</summary>
    public required string Error { get; init; }

    /// <summary>A sentence for people; never contains key material.</summary>
    public required string Message { get; init; }
}
