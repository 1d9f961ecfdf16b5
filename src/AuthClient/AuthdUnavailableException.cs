namespace MailFilter.AuthClient;

/// <summary>
/// mailfilter-authd cannot serve the call now: the socket does not accept connections, the answer did not
/// come within the timeout, or authd's database is down (503). Transient: mailfilterd turns it into a 4xx
/// tempfail so that Postfix keeps the message and retries (DESIGN.md, failure semantics).
/// </summary>
public sealed class AuthdUnavailableException : AuthdException
{
    public AuthdUnavailableException(string errorCode, string message, int? statusCode = null, Exception? innerException = null)
        : base(errorCode, message, statusCode, innerException)
    {
    }

    public AuthdUnavailableException()
    {
    }

    public AuthdUnavailableException(string message)
        : base("unreachable", message)
    {
    }

    public AuthdUnavailableException(string message, Exception innerException)
        : base("unreachable", message, null, innerException)
    {
    }
}
