namespace MailFilter.AuthServer.Whitelist;

/// <summary>A public login failed (401) or was refused while locked out (429 with <see cref="RetryAfter"/>); the answer says only "authentication failed".</summary>
public sealed class LoginFailedException : Exception
{
    public LoginFailedException(TimeSpan? retryAfter)
        : base("authentication failed")
    {
        RetryAfter = retryAfter;
    }

    public LoginFailedException()
        : this((TimeSpan?)null)
    {
    }

    public LoginFailedException(string message)
        : base(message)
    {
    }

    public LoginFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TimeSpan? RetryAfter { get; }
}
