namespace MailFilter.AuthServer.Keys;

/// <summary>The master key file is missing, unsafe, malformed, or does not match the database. authd does not start (exit 78).</summary>
public sealed class MasterKeyException : Exception
{
    public MasterKeyException()
    {
    }

    public MasterKeyException(string message)
        : base(message)
    {
    }

    public MasterKeyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
