namespace MailFilter.AuthClient;

/// <summary>A call to mailfilter-authd failed. <see cref="ErrorCode"/> is the API's stable error code (docs/authd-api.md §2.3).</summary>
public class AuthdException : Exception
{
    public AuthdException(string errorCode, string message, int? statusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorCode = errorCode;
        StatusCode = statusCode;
    }

    public AuthdException()
        : this("unknown", "mailfilter-authd call failed")
    {
    }

    public AuthdException(string message)
        : this("unknown", message)
    {
    }

    public AuthdException(string message, Exception innerException)
        : this("unknown", message, null, innerException)
    {
    }

    /// <summary>"unreachable", "timeout", "database-unavailable", "forbidden", "no-key", "key-rotated", "bad-request", ...</summary>
    public string ErrorCode { get; }

    /// <summary>The HTTP status authd answered with, or null when there was no answer.</summary>
    public int? StatusCode { get; }
}
