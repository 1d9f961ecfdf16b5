namespace MailFilter.AuthServer.Data;

/// <summary>The database schema cannot be brought to this version: an applied migration was changed, or the schema is newer than this authd.</summary>
public sealed class MigrationException : Exception
{
    public MigrationException()
    {
    }

    public MigrationException(string message)
        : base(message)
    {
    }

    public MigrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
