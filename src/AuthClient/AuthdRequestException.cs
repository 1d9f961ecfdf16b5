namespace MailFilter.AuthClient;

/// <summary>
/// mailfilter-authd answered and refused the request (4xx): the peer is not allowed ("forbidden", 403),
/// the input is malformed ("bad-request"), the address has no key ("no-key"), the key changed ("key-rotated"),
/// ... Retrying the same request does not help, except after "key-rotated" with a fresh key.
/// </summary>
public sealed class AuthdRequestException : AuthdException
{
    public AuthdRequestException(string errorCode, string message, int? statusCode = null, Exception? innerException = null)
        : base(errorCode, message, statusCode, innerException)
    {
    }

    public AuthdRequestException()
    {
    }

    public AuthdRequestException(string message)
        : base("bad-request", message)
    {
    }

    public AuthdRequestException(string message, Exception innerException)
        : base("bad-request", message, null, innerException)
    {
    }
}
