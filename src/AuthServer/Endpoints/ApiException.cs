namespace MailFilter.AuthServer.Endpoints;

/// <summary>A refusal with its HTTP status and stable error code (docs/authd-api.md §2.3); the message never contains key material.</summary>
public sealed class ApiException : Exception
{
    public ApiException(int status, string code, string message)
        : base(message)
    {
        Status = status;
        Code = code;
    }

    public ApiException()
        : this(500, "internal", "internal error")
    {
    }

    public ApiException(string message)
        : this(400, "bad-request", message)
    {
    }

    public ApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = 500;
        Code = "internal";
    }

    public int Status { get; }

    public string Code { get; }

    public static ApiException BadRequest(string message) => new(400, "bad-request", message);

    public static ApiException NotFound(string code, string message) => new(404, code, message);

    public static ApiException Conflict(string code, string message) => new(409, code, message);
}
